// A loopback server speaking the parts of Stripe's API the billing function uses: form-encoded
// POSTs (customers, checkout sessions, billing portal sessions) with Idempotency-Key replay, and
// GET /v1/events as a list object, GET /v1/subscriptions/:id from `subscriptions` (404 resource_missing
// otherwise). Records what it was asked.
import { Hono } from 'hono'
import { listenOnLoopback } from './listen.ts'

export interface StripeLoopback {
  url: string
  calls: { method: string; path: string; form: Record<string, string> }[]
  customers: number
  events: Record<string, unknown>[]
  /** Subscriptions as Stripe has them now, by id (what GET /v1/subscriptions/:id answers). */
  subscriptions: Record<string, Record<string, unknown>>
  close(): Promise<void>
}

export async function startStripeLoopback(): Promise<StripeLoopback> {
  const state: StripeLoopback = { url: '', calls: [], customers: 0, events: [], subscriptions: {}, close: async () => {} }
  const replays = new Map<string, unknown>()
  let seq = 0
  const app = new Hono()

  app.use('/v1/*', async (c, next) => {
    if (!c.req.header('authorization')?.startsWith('Bearer sk_test_')) {
      return c.json({ error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } }, 401)
    }
    await next()
  })

  const create = (path: string, make: (form: Record<string, string>) => Record<string, unknown>) =>
    app.post(path, async (c) => {
      const form = Object.fromEntries(new URLSearchParams(await c.req.text())) as Record<string, string>
      state.calls.push({ method: 'POST', path, form })
      const key = c.req.header('idempotency-key')
      if (key && replays.has(`${path}:${key}`)) return c.json(replays.get(`${path}:${key}`))
      const object = make(form)
      if (key) replays.set(`${path}:${key}`, object)
      return c.json(object)
    })

  create('/v1/customers', (form) => {
    state.customers++
    return { id: `cus_test_${++seq}`, object: 'customer', email: form.email ?? null, metadata: { user_id: form['metadata[user_id]'] } }
  })
  create('/v1/checkout/sessions', (form) => ({
    id: `cs_test_${++seq}`, object: 'checkout.session', mode: form.mode, customer: form.customer, url: `https://checkout.stripe.test/c/pay/${seq}`,
    client_reference_id: form.client_reference_id, payment_status: 'unpaid', status: 'open',
  }))
  create('/v1/billing_portal/sessions', (form) => ({ id: `bps_test_${++seq}`, object: 'billing_portal.session', customer: form.customer, url: `https://billing.stripe.test/p/session/${seq}` }))

  app.get('/v1/events', (c) => {
    state.calls.push({ method: 'GET', path: '/v1/events', form: Object.fromEntries(new URL(c.req.url).searchParams) })
    const gte = Number(new URL(c.req.url).searchParams.get('created[gte]') ?? 0)
    const data = state.events.filter((e) => Number(e.created) >= gte)
    return c.json({ object: 'list', url: '/v1/events', has_more: false, data })
  })

  app.get('/v1/subscriptions/:id', (c) => {
    const id = c.req.param('id')
    state.calls.push({ method: 'GET', path: `/v1/subscriptions/${id}`, form: {} })
    const subscription = state.subscriptions[id]
    if (!subscription) {
      return c.json({ error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such subscription: '${id}'`, param: 'id' } }, 404)
    }
    return c.json(subscription)
  })

  const server = await listenOnLoopback(app.fetch)
  state.url = server.url
  state.close = server.close
  return state
}
