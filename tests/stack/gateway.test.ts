// supabase-js, unmodified, through the local gateway: Auth, RLS-scoped REST, functions, verify_jwt.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../types/database.ts'
import { signRoleKey, signUserToken } from '../../stack/keys.ts'
import type { RunningStack } from '../../stack/stack.ts'
import { startTestStack } from '../support/test-stack.ts'

let stack: RunningStack
const password = 'correct horse battery staple'

const client = (key: string): SupabaseClient<Database> =>
  createClient<Database>(stack.status.API_URL, key, { auth: { persistSession: false, autoRefreshToken: false } })

async function signUp(email: string, key = stack.status.ANON_KEY) {
  const c = client(key)
  const { data, error } = await c.auth.signUp({ email, password, options: { data: { display_name: email.split('@')[0] } } })
  expect(error).toBeNull()
  return { c, id: data.user!.id }
}

beforeAll(async () => {
  stack = await startTestStack({
    extraFunctions: [{ name: 'guarded-probe', verifyJwt: true, entrypoint: '', app: new Hono().basePath('/guarded-probe').all('*', (c) => c.json({ ok: true })) }],
  })
})
afterAll(async () => {
  await stack?.stop()
})

describe('supabase-js through the gateway', () => {
  it('signs up two users; each reads only their own profile; anon reads none', async () => {
    const alice = await signUp('alice@example.test')
    const bob = await signUp('bob@example.test', stack.status.PUBLISHABLE_KEY)

    const a = await alice.c.from('profiles').select('id, email, display_name')
    expect(a.error).toBeNull()
    expect(a.data).toEqual([{ id: alice.id, email: 'alice@example.test', display_name: 'alice' }])

    const b = await bob.c.from('profiles').select('id')
    expect(b.data).toEqual([{ id: bob.id }])

    const byId = await alice.c.from('profiles').select('id').eq('id', bob.id)
    expect(byId.data).toEqual([])

    for (const key of [stack.status.ANON_KEY, stack.status.PUBLISHABLE_KEY]) {
      const anon = await client(key).from('profiles').select('id')
      expect(anon.data ?? []).toEqual([])
    }
  })

  it('signs a user in again, and counts the login', async () => {
    const c = client(stack.status.ANON_KEY)
    const { error } = await c.auth.signInWithPassword({ email: 'alice@example.test', password })
    expect(error).toBeNull()
    const { data } = await c.from('profiles').select('login_count, last_login_at').single()
    expect(data!.login_count).toBe(2)
    expect(data!.last_login_at).not.toBeNull()
    const wrong = await client(stack.status.ANON_KEY).auth.signInWithPassword({ email: 'alice@example.test', password: 'nope-nope-nope' })
    expect(wrong.error).not.toBeNull()
  })

  it('lets a user rename themselves but not promote themselves or edit others', async () => {
    const carol = await signUp('carol@example.test')
    const rename = await carol.c.from('profiles').update({ display_name: 'Carol' }).eq('id', carol.id).select('display_name')
    expect(rename.data).toEqual([{ display_name: 'Carol' }])

    const promote = await carol.c.from('profiles').update({ is_admin: true }).eq('id', carol.id)
    expect(promote.error?.code).toBe('42501')

    const others = await carol.c.from('profiles').update({ display_name: 'pwned' }).neq('id', carol.id).select('id')
    expect(others.data).toEqual([])
    const rows = await stack.db.query<{ n: number }>(`select count(*)::int as n from public.profiles where display_name = 'pwned'`)
    expect(rows[0].n).toBe(0)
  })

  it('signs in the seeded local admin, who reads every profile', async () => {
    const admin = client(stack.status.ANON_KEY)
    const { error } = await admin.auth.signInWithPassword({ email: 'admin@localhost.test', password: 'local-admin-password' })
    expect(error).toBeNull()
    const { data } = await admin.from('profiles').select('email, is_admin')
    expect(data!.length).toBeGreaterThanOrEqual(4)
    expect(data).toContainEqual({ email: 'admin@localhost.test', is_admin: true })
  })

  it('gives the service role every row, with the JWT key and with the secret key', async () => {
    for (const key of [stack.status.SERVICE_ROLE_KEY, stack.status.SECRET_KEY]) {
      const { count, error } = await client(key).from('profiles').select('*', { count: 'exact', head: true })
      expect(error).toBeNull()
      expect(count).toBeGreaterThanOrEqual(3)
    }
  })

  it('rejects an API key that is not the project\'s', async () => {
    const forged = await signRoleKey('service_role', 'another-secret-with-at-least-32-characters')
    const { data, error } = await client(forged).from('profiles').select('id')
    expect(error).not.toBeNull()
    expect(data ?? []).toEqual([])
  })

  it('keeps the migrations\' grants: serving requests widens no privilege', async () => {
    const rows = await stack.db.query<{ anon_select: boolean; auth_update_admin: boolean }>(`
      select has_table_privilege('anon', 'public.profiles', 'select') as anon_select,
             has_column_privilege('authenticated', 'public.profiles', 'is_admin', 'update') as auth_update_admin`)
    expect(rows[0]).toEqual({ anon_select: false, auth_update_admin: false })
  })
})

describe('/functions/v1', () => {
  it('serves health without a JWT (verify_jwt = false)', async () => {
    const res = await fetch(`${stack.status.FUNCTIONS_URL}/health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'ok', db: 'ok' })
  })

  it('honours verify_jwt = true: no JWT or a forged one is 401, a valid one passes', async () => {
    const url = `${stack.status.FUNCTIONS_URL}/guarded-probe/anything`
    expect((await fetch(url)).status).toBe(401)
    const forged = await signRoleKey('anon', 'another-secret-with-at-least-32-characters')
    expect((await fetch(url, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401)
    const ok = await fetch(url, { method: 'POST', body: '{}', headers: { authorization: `Bearer ${stack.status.ANON_KEY}` } })
    expect(ok.status).toBe(200)
    const user = await signUserToken('6a0c3c4e-8d0e-4d8e-9a59-000000000001', stack.status.JWT_SECRET)
    expect((await fetch(url, { headers: { authorization: `Bearer ${user}` } })).status).toBe(200)
  })

  it('answers an unknown function with a JSON 404', async () => {
    const res = await fetch(`${stack.status.FUNCTIONS_URL}/no-such-function`)
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'function_not_found' } })
  })
})
