// The shared JWT guard every function uses: what must be refused is refused.
import { SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../functions/_shared/app.ts'
import { requireRole } from '../../functions/_shared/auth.ts'
import { signRoleKey, signUserToken } from '../../stack/keys.ts'
import { withoutEnv } from './unset-env.ts'

const SECRET = 'test-secret-with-at-least-32-characters-xx'
const app = createApp('guarded')
app.post('/admin', requireRole('service_role'), (c) => c.json({ role: c.get('claims').role }))
app.get('/me', requireRole('authenticated'), (c) => c.json({ sub: c.get('claims').sub }))
app.get('/boom', () => {
  throw new Error('database password is hunter2')
})

const call = (path: string, token?: string, method = 'GET') =>
  app.request(path, { method, headers: token ? { authorization: `Bearer ${token}` } : {} })

beforeAll(() => {
  process.env.JWT_SECRET = SECRET
})

describe('requireRole', () => {
  it('lets the right role through and exposes its claims', async () => {
    const res = await call('/guarded/admin', await signRoleKey('service_role', SECRET), 'POST')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ role: 'service_role' })
    const me = await call('/guarded/me', await signUserToken('6a0c3c4e-8d0e-4d8e-9a59-000000000001', SECRET))
    expect(await me.json()).toEqual({ sub: '6a0c3c4e-8d0e-4d8e-9a59-000000000001' })
  })

  it('refuses a missing token with 401', async () => {
    const res = await call('/guarded/admin', undefined, 'POST')
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: { code: 'missing_jwt', message: expect.any(String) } })
  })

  it('refuses a token signed with another secret (forged) with 401', async () => {
    const forged = await signRoleKey('service_role', 'another-secret-with-at-least-32-characters')
    const res = await call('/guarded/admin', forged, 'POST')
    expect(res.status).toBe(401)
    expect((await res.json()).error.code).toBe('invalid_jwt')
  })

  it('refuses an expired token and an unsigned (alg none) token', async () => {
    const expired = await signUserToken('6a0c3c4e-8d0e-4d8e-9a59-000000000001', SECRET, {}, '-1m')
    expect((await call('/guarded/me', expired)).status).toBe(401)
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
    const payload = Buffer.from(JSON.stringify({ role: 'service_role' })).toString('base64url')
    expect((await call('/guarded/admin', `${header}.${payload}.`, 'POST')).status).toBe(401)
  })

  it('refuses a valid token of the wrong role with 403', async () => {
    const res = await call('/guarded/admin', await signRoleKey('anon', SECRET), 'POST')
    expect(res.status).toBe(403)
    const user = await call('/guarded/admin', await signUserToken('6a0c3c4e-8d0e-4d8e-9a59-000000000001', SECRET), 'POST')
    expect(user.status).toBe(403)
  })

  it('refuses a token without a role claim', async () => {
    const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET))
    expect((await call('/guarded/me', token)).status).toBe(401)
  })
})

describe('missing configuration', () => {
  it('with neither JWT_SECRET nor SUPABASE_URL: 503 auth_not_configured, not a 401 blaming the caller\'s token', async () => {
    const token = await signRoleKey('service_role', SECRET)
    const res = await withoutEnv(['JWT_SECRET', 'SUPABASE_URL'], async () => await call('/guarded/admin', token, 'POST'))
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ error: { code: 'auth_not_configured', message: expect.stringContaining('SUPABASE_URL') } })
  })
})

describe('errors', () => {
  it('turns an unexpected exception into a 500 with a request id, without leaking the message', async () => {
    const res = await call('/guarded/boom')
    expect(res.status).toBe(500)
    const body = await res.json()
    expect(body.error.code).toBe('internal_error')
    expect(body.error.message).not.toContain('hunter2')
    expect(body.error.message).toContain(res.headers.get('x-request-id')!)
  })
})
