// A loopback WooCommerce store speaking the REST API v3 the chat widget uses: Basic auth with a
// consumer key and secret, GET /wp-json/wc/v3/products?search=, /orders?search= and /orders/<id>,
// WooCommerce's error format. Records every request.
import { Hono } from 'hono'
import { listenOnLoopback } from './listen.ts'

export const WOO_KEY = 'ck_loopback_0123456789abcdef'
export const WOO_SECRET = 'cs_loopback_fedcba9876543210'

export interface WooLoopback {
  url: string
  requests: { path: string; query: Record<string, string> }[]
  close(): Promise<void>
}

const products = [
  { id: 11, name: 'Quantum Widget', price: '19.99', stock_status: 'instock', permalink: 'https://shop.ann.test/product/quantum-widget', short_description: 'A widget.' },
  { id: 12, name: 'Gadget Pro', price: '49.50', stock_status: 'outofstock', permalink: 'https://shop.ann.test/product/gadget-pro', short_description: 'A gadget.' },
]

const orders = [
  { id: 1001, number: '1001', status: 'processing', total: '19.99', currency: 'EUR', date_created: '2026-11-20T10:00:00', billing: { email: 'visitor@mail.test' }, line_items: [{ name: 'Quantum Widget', quantity: 1 }] },
  { id: 1002, number: '1002', status: 'completed', total: '49.50', currency: 'EUR', date_created: '2026-11-01T09:00:00', billing: { email: 'someone.else@mail.test' }, line_items: [{ name: 'Gadget Pro', quantity: 1 }] },
]

export async function startWooLoopback(): Promise<WooLoopback> {
  const state: WooLoopback = { url: '', requests: [], close: async () => {} }
  const app = new Hono()
  app.use('/wp-json/*', async (c, next) => {
    state.requests.push({ path: c.req.path, query: c.req.query() })
    if (c.req.header('authorization') !== `Basic ${btoa(`${WOO_KEY}:${WOO_SECRET}`)}`) {
      return c.json({ code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } }, 401)
    }
    await next()
  })
  const matches = (text: string, search: string | undefined) => !search || text.toLowerCase().includes(search.toLowerCase())
  app.get('/wp-json/wc/v3/products', (c) => c.json(products.filter((p) => matches(`${p.name} ${p.short_description}`, c.req.query('search')))))
  app.get('/wp-json/wc/v3/orders', (c) => c.json(orders.filter((o) => matches(o.billing.email, c.req.query('search')))))
  app.get('/wp-json/wc/v3/orders/:id', (c) => {
    const order = orders.find((o) => String(o.id) === c.req.param('id'))
    return order ? c.json(order) : c.json({ code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 404 } }, 404)
  })
  const server = await listenOnLoopback(app.fetch)
  state.url = server.url
  state.close = server.close
  return state
}
