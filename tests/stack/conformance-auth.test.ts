// supabase-js Auth against /auth/v1 of the local gateway, asserting what Supabase Auth (GoTrue)
// documents for a project with email sign-up and no confirmations: sign-up returns a session, sign-in
// with password, refresh (a new token pair), getUser, updateUser (metadata merged, password
// changed), sign-out revoking the refresh token; errors as AuthApiError with GoTrue's status and
// error code. No request in this file may answer 5xx.
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningStack } from '../../stack/stack.ts'
import { startTestStack } from '../support/test-stack.ts'
import { conformanceClient, Recorder } from './conformance-clients.ts'

let stack: RunningStack
const recorder = new Recorder()
const email = 'conformance-auth@example.test'
const password = 'first-password-1'
const iso8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

beforeAll(async () => {
  stack = await startTestStack()
})
afterAll(async () => {
  await stack?.stop()
})

const client = () => conformanceClient(stack, stack.status.ANON_KEY, recorder.fetch)

describe('Auth', () => {
  let userId: string

  it('signs up: a user and a session, with the metadata given', async () => {
    const { data, error } = await client().auth.signUp({ email, password, options: { data: { display_name: 'Conformance' } } })
    expect(error).toBeNull()
    const user = data.user!
    userId = user.id
    expect(user).toMatchObject({ email, aud: 'authenticated', role: 'authenticated', user_metadata: { display_name: 'Conformance' } })
    expect(user.app_metadata).toMatchObject({ provider: 'email' })
    expect(user.created_at).toMatch(iso8601)
    expect(data.session).toMatchObject({ token_type: 'bearer', expires_in: 3600, user: { id: userId } })
    expect(data.session!.refresh_token).toBeTruthy()
    const claims = decodeJwt(data.session!.access_token)
    expect(claims).toMatchObject({ sub: userId, role: 'authenticated', aud: 'authenticated', email })
    expect(claims.exp! - claims.iat!).toBe(3600)
  })

  it('refuses a second sign-up with the same email: 422 user_already_exists', async () => {
    const { data, error } = await client().auth.signUp({ email, password: 'another-password-2' })
    expect(error?.name).toBe('AuthApiError')
    expect(error?.status).toBe(422)
    expect(error?.code).toBe('user_already_exists')
    expect(data.session).toBeNull()
  })

  it('refuses a weak password: 422 weak_password', async () => {
    const { error } = await client().auth.signUp({ email: 'weak-password@example.test', password: '123' })
    expect(error?.status).toBe(422)
    expect(error?.code).toBe('weak_password')
  })

  it('signs in with the password; a wrong one is 400 invalid_credentials', async () => {
    const c = client()
    const { data, error } = await c.auth.signInWithPassword({ email, password })
    expect(error).toBeNull()
    expect(data.user!.id).toBe(userId)
    expect(data.user!.last_sign_in_at).toMatch(iso8601)

    const wrong = await client().auth.signInWithPassword({ email, password: 'not-the-password' })
    expect(wrong.error?.status).toBe(400)
    expect(wrong.error?.code).toBe('invalid_credentials')
    expect(wrong.data.session).toBeNull()
  })

  it('refreshes a session into a new token pair', async () => {
    const c = client()
    const signIn = await c.auth.signInWithPassword({ email, password })
    const before = signIn.data.session!
    const { data, error } = await c.auth.refreshSession()
    expect(error).toBeNull()
    expect(data.session!.refresh_token).not.toBe(before.refresh_token)
    expect(decodeJwt(data.session!.access_token).sub).toBe(userId)
    expect((await c.auth.getUser()).data.user!.id).toBe(userId)
  })

  it('getUser and updateUser: metadata is merged, the password changes', async () => {
    const c = client()
    await c.auth.signInWithPassword({ email, password })
    const got = await c.auth.getUser()
    expect(got.error).toBeNull()
    expect(got.data.user).toMatchObject({ id: userId, email })

    const updated = await c.auth.updateUser({ data: { plan: 'pro' } })
    expect(updated.error).toBeNull()
    expect(updated.data.user!.user_metadata).toMatchObject({ display_name: 'Conformance', plan: 'pro' })
    expect((await c.auth.getUser()).data.user!.user_metadata).toMatchObject({ display_name: 'Conformance', plan: 'pro' })

    const changed = await c.auth.updateUser({ password: 'second-password-2' })
    expect(changed.error).toBeNull()
    expect((await client().auth.signInWithPassword({ email, password })).error?.code).toBe('invalid_credentials')
    expect((await client().auth.signInWithPassword({ email, password: 'second-password-2' })).error).toBeNull()
  })

  it('signs out: the refresh token no longer works', async () => {
    const c = client()
    const signIn = await c.auth.signInWithPassword({ email, password: 'second-password-2' })
    const refreshToken = signIn.data.session!.refresh_token
    const { error } = await c.auth.signOut()
    expect(error).toBeNull()
    expect((await c.auth.getSession()).data.session).toBeNull()

    const reuse = await client().auth.refreshSession({ refresh_token: refreshToken })
    expect(reuse.error?.name).toBe('AuthApiError')
    expect(reuse.error?.status).toBe(400)
    expect(reuse.data.session).toBeNull()
  })

  it('answered no request with a 5xx', () => {
    expect(recorder.exchanges.length).toBeGreaterThan(15)
    expect(recorder.serverErrors()).toEqual([])
  })
})
