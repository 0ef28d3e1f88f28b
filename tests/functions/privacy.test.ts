// Privacy requests against a real database and a loopback mail relay: verification by a mailed code,
// a complete export of the subject's own data and nothing about another, an erasure after which only
// the audit trail (requests, their verifications and export log) and other people's data mention the
// email, and owners processing only their own domains' requests. (Attacks: privacy-third-parties.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { app } from '../../functions/privacy/app.ts'
import { signUserToken } from '../../stack/keys.ts'
import { markDomainVerified } from '../support/domain-verified.ts'
import { startMailLoopback } from '../support/mail-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const JWT_SECRET = 'privacy-test-secret-with-at-least-32-characters'
const SUBJECT = 'subject@mail.test'
const BYSTANDER = 'bystander@mail.test'
let db: TestDatabase
let mail: Awaited<ReturnType<typeof startMailLoopback>>
let owner: string
let domainId: string
let otherDomainId: string

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows

async function request(path: string, body: unknown, jwt?: string) {
  const res = await app.request(`/privacy${path}`, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', origin: 'https://privacy.shop.test', ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) },
  })
  return { status: res.status, body: await res.json() }
}

const lastCode = (to: string) => /Your code is (\d{6})/.exec(mail.messages.filter((m) => m.to === to).at(-1)!.text)![1]

/** Rows in every sites table whose text mentions the needle. */
async function mentions(needle: string): Promise<Record<string, number>> {
  const tables = await query<{ name: string }>(`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'sites' and c.relkind = 'r'`)
  const found: Record<string, number> = {}
  for (const { name } of tables) {
    const [{ n }] = await query<{ n: number }>(`select count(*)::int as n from sites.${name} t where strpos(lower(t::text), $1) > 0`, [needle])
    if (n > 0) found[name] = n
  }
  return found
}

async function plant(domain: string, email: string, session: string) {
  const [{ id: conv }] = await query<{ id: string }>(`insert into sites.conversations (domain_id, session_id, visitor_email) values ($1, $2, $3) returning id`, [domain, session, email])
  await query(`insert into sites.messages (conversation_id, role, content) values ($1, 'user', 'Where is my order?'), ($1, 'assistant', 'Order #1001 is on its way.')`, [conv])
  await query(`insert into sites.customer_access_logs (domain_id, email, actor, action) values ($1, $2, 'chat-widget', 'orders.read')`, [domain, email])
  await query(`insert into sites.customer_data_cache (domain_id, cache_key, email, data, expires_at) values ($1, $2, $3, '[{"number": "1001"}]', now() + interval '5 minutes')`,
    [domain, `orders:${email}`, email])
  await query(`insert into sites.customer_verifications (domain_id, email, purpose, method, order_number, session_id, verified_at, expires_at)
               values ($1, $2, 'order_access', 'order_number', '1001', $3, now(), now() + interval '1 day')`, [domain, email, session])
}

beforeAll(async () => {
  db = await startTestDatabase()
  mail = await startMailLoopback()
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, JWT_SECRET, MAIL_WEBHOOK_URL: mail.url })
  owner = (await query<{ id: string }>(`select tests.create_supabase_user('privacy_owner') as id`))[0].id
  domainId = (await query<{ id: string }>(`insert into sites.domains (user_id, domain) values ($1, 'privacy.shop.test') returning id`, [owner]))[0].id
  const other = (await query<{ id: string }>(`select tests.create_supabase_user('other_owner') as id`))[0].id
  otherDomainId = (await query<{ id: string }>(`insert into sites.domains (user_id, domain) values ($1, 'other.shop.test') returning id`, [other]))[0].id
  await markDomainVerified(query, domainId)
  await markDomainVerified(query, otherDomainId)
  await plant(domainId, SUBJECT, 'sess-subject-1')
  await plant(domainId, BYSTANDER, 'sess-bystander-1')
  await plant(otherDomainId, SUBJECT, 'sess-subject-elsewhere')
  // A conversation that never recorded the email but mentions it in a message.
  const [{ id: conv }] = await query<{ id: string }>(`insert into sites.conversations (domain_id, session_id) values ($1, 'sess-anon') returning id`, [domainId])
  await query(`insert into sites.messages (conversation_id, role, content) values ($1, 'user', 'Please write to SUBJECT@mail.test about the refund')`, [conv])
})
afterAll(async () => {
  await closeDb()
  await Promise.all([db.stop(), mail.close()])
})

describe('opening a request', () => {
  it('mails a code, records due dates per regulation, and reveals nothing about stored data', async () => {
    expect((await request('/requests', { domain: 'nowhere.test', email: SUBJECT, type: 'access' })).status).toBe(404)
    const gdpr = await request('/requests', { domain: 'privacy.shop.test', email: 'nobody@mail.test', type: 'access' })
    const ccpa = await request('/requests', { domain: 'privacy.shop.test', email: 'nobody@mail.test', type: 'delete', regulation: 'ccpa' })
    expect(gdpr.status).toBe(202)
    expect(Object.keys(gdpr.body).sort()).toEqual(['due_at', 'request_id', 'status'])
    const days = (r: typeof gdpr) => Math.round((new Date(r.body.due_at).getTime() - Date.now()) / 86_400_000)
    expect([days(gdpr), days(ccpa)]).toEqual([30, 45])
    expect(mail.messages.filter((m) => m.to === 'nobody@mail.test')).toHaveLength(2) // and one note to the owner each
    expect((await request('/requests', { domain: 'privacy.shop.test', email: 'not-an-email', type: 'access' })).status).toBe(400)
  })
})

describe('access', () => {
  it('a wrong code gets nothing; the right one exports the subject\'s own rows and nothing about anyone else', async () => {
    const opened = await request('/requests', { domain: 'privacy.shop.test', email: SUBJECT, type: 'access' })
    const code = lastCode(SUBJECT)
    const wrong = await request(`/requests/${opened.body.request_id}/verify`, { code: code === '000000' ? '000001' : '000000' })
    expect({ status: wrong.status, code: wrong.body.error.code, export: wrong.body.export }).toEqual({ status: 400, code: 'wrong_code', export: undefined })
    const done = await request(`/requests/${opened.body.request_id}/verify`, { code })
    expect(done.status).toBe(200)
    const data = done.body.export
    expect(data.conversations).toHaveLength(1) // her own; the one whose message mentions her email is the owner's to review
    expect(data.conversations.flatMap((c: { messages: unknown[] }) => c.messages)).toHaveLength(2)
    expect(JSON.stringify(data)).not.toContain('about the refund')
    expect(data.verifications.length).toBeGreaterThanOrEqual(2) // the order verification and this request's code
    expect(data.access_logs).toHaveLength(1)
    expect(data.cached_customer_data).toHaveLength(1)
    const text = JSON.stringify(data)
    expect(text).not.toContain(BYSTANDER)
    expect(text).not.toContain('sess-subject-elsewhere') // another tenant's data about the same email
    expect(text).not.toContain('code_hash')
    expect((await request(`/requests/${opened.body.request_id}/verify`, { code })).status).toBe(409)
  })
})

describe('delete', () => {
  it('erases the subject\'s own data in that tenant; the audit trail and other people\'s data stay', async () => {
    const opened = await request('/requests', { domain: 'privacy.shop.test', email: SUBJECT, type: 'delete' })
    const done = await request(`/requests/${opened.body.request_id}/verify`, { code: lastCode(SUBJECT) })
    expect(done.status).toBe(200)
    expect(done.body.erased.conversations).toBe(1)
    const left = await query(`select request_type, status, completed_at is not null as completed from sites.privacy_requests where email = $1 and domain_id = $2 order by created_at`, [SUBJECT, domainId])
    expect(left).toEqual([{ request_type: 'access', status: 'completed', completed: true }, { request_type: 'delete', status: 'completed', completed: true }])
    const found = await mentions(SUBJECT)
    // Here: the two requests, their two verifications and the export's access log entry (the audit
    // trail), and the anonymous visitor's message that mentions the email (for the owner to review).
    expect(found).toEqual({ privacy_requests: 2, messages: 1, conversations: 1, customer_access_logs: 2, customer_data_cache: 1, customer_verifications: 3 })
    expect(await query(`select count(*)::int as n from sites.customer_access_logs where email = $1 and domain_id = $2 and actor <> 'privacy'`, [SUBJECT, domainId])).toEqual([{ n: 0 }])
    expect(await query(`select count(*)::int as n from sites.customer_verifications where email = $1 and domain_id = $2 and purpose <> 'privacy_request'`, [SUBJECT, domainId])).toEqual([{ n: 0 }])
    // ...and the rest are the other tenant's, untouched:
    expect(await query(`select count(*)::int as n from sites.conversations where visitor_email = $1 and domain_id = $2`, [SUBJECT, otherDomainId])).toEqual([{ n: 1 }])
    expect(await query(`select count(*)::int as n from sites.conversations where domain_id = $1 and visitor_email = $2`, [domainId, BYSTANDER])).toEqual([{ n: 1 }])
  })
})

describe('owners', () => {
  it('list and decide the requests of their own domains only', async () => {
    const opened = await request('/requests', { domain: 'privacy.shop.test', email: 'fix.me@mail.test', type: 'rectify', details: { name: 'New Name' } })
    const verified = await request(`/requests/${opened.body.request_id}/verify`, { code: lastCode('fix.me@mail.test') })
    expect(verified.body.status).toBe('verified')
    const ownerJwt = await signUserToken(owner, JWT_SECRET)
    const strangerJwt = await signUserToken((await query<{ id: string }>(`select tests.create_supabase_user('privacy_stranger') as id`))[0].id, JWT_SECRET)
    const list = await app.request('/privacy/requests', { headers: { authorization: `Bearer ${ownerJwt}` } })
    const listed = (await list.json()).requests
    expect(listed.every((r: { domain: string }) => r.domain === 'privacy.shop.test')).toBe(true)
    expect(listed.map((r: { id: string }) => r.id)).toContain(opened.body.request_id)
    const strangerList = await app.request('/privacy/requests', { headers: { authorization: `Bearer ${strangerJwt}` } })
    expect((await strangerList.json()).requests).toEqual([])
    expect((await request(`/requests/${opened.body.request_id}/decision`, { status: 'completed' }, strangerJwt)).status).toBe(404)
    expect((await app.request('/privacy/requests')).status).toBe(401)
    const decided = await request(`/requests/${opened.body.request_id}/decision`, { status: 'completed', result: { rectified: ['name'] } }, ownerJwt)
    expect(decided.body.status).toBe('completed')
  })
})
