// A loopback server speaking the parts of the Hopsworks admin API (hopsworks-api UsersAdminResource)
// the billing function uses, under /hopsworks-api/api/admin with `Authorization: ApiKey <key>`:
// POST /users (query parameters; 201 {uuid, email, username, ...}, 409 when the email exists),
// GET /users?filter_by=type:REMOTE_ACCOUNT_TYPE&offset&limit ({items, count}), PUT /users/:id
// ({status}). `failNext` makes the next calls answer 5xx or hang (timeout); records every call.
import { Hono } from 'hono'
import { listenOnLoopback } from './listen.ts'

export interface LoopbackUser {
  id: number
  email: string
  username: string
  firstname: string
  lastname: string
  accountType: 'OAUTH2'
  status: number
  subject: string
}

export interface HopsworksLoopback {
  url: string
  apiKey: string
  users: LoopbackUser[]
  calls: { method: string; path: string; query: Record<string, string> }[]
  /** Failures for the next matching calls, consumed in order: an HTTP status (e.g. 503) or 'hang'. */
  failNext: { method?: string; status: number | 'hang' }[]
  close(): Promise<void>
}

export async function startHopsworksLoopback(apiKey = 'hw-admin-key'): Promise<HopsworksLoopback> {
  const state: HopsworksLoopback = { url: '', apiKey, users: [], calls: [], failNext: [], close: async () => {} }
  let nextId = 10_000
  const app = new Hono().basePath('/hopsworks-api/api/admin')

  app.use('*', async (c, next) => {
    state.calls.push({ method: c.req.method, path: new URL(c.req.url).pathname, query: Object.fromEntries(new URL(c.req.url).searchParams) })
    if (c.req.header('authorization') !== `ApiKey ${state.apiKey}`) {
      return c.json({ errorCode: 200003, errorMsg: 'Authorization header not set.' }, 401)
    }
    const i = state.failNext.findIndex((f) => !f.method || f.method === c.req.method)
    if (i >= 0) {
      const [failure] = state.failNext.splice(i, 1)
      if (failure.status === 'hang') {
        await new Promise((resolve) => setTimeout(resolve, 5_000))
        return c.json({}, 504)
      }
      return c.json({ errorCode: 100000, errorMsg: 'Service unavailable' }, failure.status as 500)
    }
    await next()
  })

  app.post('/users', (c) => {
    const q = Object.fromEntries(new URL(c.req.url).searchParams)
    for (const required of ['accountType', 'type', 'email', 'givenName', 'surname', 'subject', 'clientId']) {
      if (!q[required]) return c.json({ errorCode: 120001, errorMsg: `${required} missing` }, 400)
    }
    if (state.users.some((u) => u.email.toLowerCase() === q.email.toLowerCase())) {
      return c.json({ errorCode: 160003, errorMsg: 'User already exists.', usrMsg: q.email }, 409)
    }
    const base = q.givenName.toLowerCase().replace(/[^a-z]/g, '').slice(0, 8) || 'user'
    const user: LoopbackUser = {
      id: nextId++, email: q.email, username: `${base}${String(state.users.length + 1).padStart(3, '0')}`, firstname: q.givenName,
      lastname: q.surname, accountType: 'OAUTH2', status: 2, subject: q.subject,
    }
    state.users.push(user)
    return c.json({ uuid: `${q.clientId}.${q.subject}`, givenName: user.firstname, surname: user.lastname, email: user.email, username: user.username }, 201)
  })

  app.get('/users', (c) => {
    const offset = Number(c.req.query('offset') ?? 0)
    const limit = Number(c.req.query('limit') ?? state.users.length)
    const items = state.users.slice(offset, offset + limit).map(({ subject: _s, ...u }) => u)
    return c.json({ href: `${state.url}/hopsworks-api/api/admin/users`, items, count: state.users.length })
  })

  app.put('/users/:id', async (c) => {
    const user = state.users.find((u) => u.id === Number(c.req.param('id')))
    if (!user) return c.json({ errorCode: 160002, errorMsg: 'User not found.' }, 404)
    const body = (await c.req.json()) as { status?: number }
    if (body.status !== undefined) user.status = body.status
    return c.json({ id: user.id, email: user.email, status: user.status })
  })

  const server = await listenOnLoopback(app.fetch)
  state.url = server.url
  state.close = server.close
  return state
}
