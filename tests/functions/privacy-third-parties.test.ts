// Privacy requests as an attacker would try them (issue 17 point 4): a verified export or erasure
// covers the data subject and nobody else (Mallory's export holds none of Bob's data even though Bob
// typed her email; Alice's erasure leaves Bob's conversation that mentions her, and her earlier
// requests), conversations of others that mention the email go to the owner for review; opening
// requests is limited (one open request per email, type and site; 30 requests do not mail 31 codes;
// a client address is limited; the Origin must be the site's), a new request gives no new code
// guesses, and the owner is told of every request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { app } from '../../functions/privacy/app.ts'
import { signUserToken } from '../../stack/keys.ts'
import { markDomainVerified } from '../support/domain-verified.ts'
import { startMailLoopback } from '../support/mail-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const JWT_SECRET = 'privacy-attacks-test-secret-with-32-characters'
const SITE = 'shop.privacy.test'
const ORIGIN = `https://${SITE}`
const MALLORY = 'mallory@mail.test'
const ALICE = 'alice@mail.test'
const BOB_PHONE = '+44 20 7946 0958'
const BOB_ADDRESS = '221B Baker Street'
let db: TestDatabase
let mail: Awaited<ReturnType<typeof startMailLoopback>>
let owner: { id: string; email: string; jwt: string }
let domainId: string
let ip = 0

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows

/** A visitor's POST from the site's page; each call from its own client address unless one is given. */
async function post(path: string, body: unknown, options: { origin?: string | null; ip?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cf-connecting-ip': options.ip ?? `203.0.${++ip % 250}.113` }
  if (options.origin !== null) headers.origin = options.origin ?? ORIGIN
  const res = await app.request(`/privacy${path}`, { method: 'POST', body: JSON.stringify(body), headers })
  return { status: res.status, headers: res.headers, body: await res.json() }
}
const open = (email: string, type: string, options: { origin?: string | null; ip?: string } = {}) => post('/requests', { domain: SITE, email, type }, options)
const mailsTo = (to: string) => mail.messages.filter((m) => m.to === to)
const lastCode = (to: string) => /Your code is (\d{6})/.exec(mailsTo(to).at(-1)!.text)![1]
const wrong = (code: string) => (code === '000000' ? '000001' : '000000')

async function conversation(session: string, visitorEmail: string | null, messages: string[]) {
  const [{ id }] = await query<{ id: string }>(`insert into sites.conversations (domain_id, session_id, visitor_email) values ($1, $2, $3) returning id`, [domainId, session, visitorEmail])
  for (const content of messages) await query(`insert into sites.messages (conversation_id, role, content) values ($1, 'user', $2)`, [id, content])
  return id
}

async function ownerRequests() {
  const res = await app.request('/privacy/requests', { headers: { authorization: `Bearer ${owner.jwt}` } })
  return (await res.json()).requests as { id: string; email: string; review: { conversation_id: string; reason: string }[] }[]
}

beforeAll(async () => {
  db = await startTestDatabase()
  mail = await startMailLoopback()
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, JWT_SECRET, MAIL_WEBHOOK_URL: mail.url })
  const [{ id }] = await query<{ id: string }>(`select tests.create_supabase_user('privacy_attacks_owner') as id`)
  const [{ email }] = await query<{ email: string }>(`select email from auth.users where id = $1`, [id])
  owner = { id, email, jwt: await signUserToken(id, JWT_SECRET) }
  domainId = (await query<{ id: string }>(`insert into sites.domains (user_id, domain) values ($1, $2) returning id`, [id, SITE]))[0].id
  await markDomainVerified(query, domainId)
  const [{ id: customer }] = await query<{ id: string }>(`insert into sites.customers (auth_user_id, email) values ($1, 'owner@shop.privacy.test') returning id`, [id])
  await query(`insert into sites.customer_configs (customer_id, domain, allowed_origins) values ($1, $2, $3)`, [customer, SITE, [ORIGIN]])
})
afterAll(async () => {
  await closeDb()
  await Promise.all([db.stop(), mail.close()])
})

describe('a verified request covers the data subject only', () => {
  it('Mallory\'s access export holds her own conversation and none of Bob\'s, though Bob typed her email; the owner gets Bob\'s for review', async () => {
    const own = await conversation('sess-mallory', MALLORY, ['Where is my parcel?'])
    const bobs = await conversation('sess-bob', 'bob@mail.test', [`My ex ${MALLORY} keeps calling me. I am at ${BOB_ADDRESS}, phone ${BOB_PHONE}.`])
    const opened = await open(MALLORY, 'access')
    expect(opened.status).toBe(202)
    const done = await post(`/requests/${opened.body.request_id}/verify`, { code: lastCode(MALLORY) })
    expect(done.status).toBe(200)
    const text = JSON.stringify(done.body.export)
    expect(done.body.export.conversations.map((c: { id: string }) => c.id)).toEqual([own])
    expect(text).not.toContain(BOB_PHONE)
    expect(text).not.toContain(BOB_ADDRESS)
    expect(text).not.toContain(bobs)
    expect(text).not.toContain('review')
    const listed = (await ownerRequests()).find((r) => r.id === opened.body.request_id)!
    expect(listed.review).toEqual([{ conversation_id: bobs, reason: 'mentions_email' }])
  })

  it('Alice\'s erasure erases her conversation, leaves Bob\'s that mentions her, and keeps her earlier requests and their audit trail', async () => {
    const own = await conversation('sess-alice', ALICE, ['My address is 1 Alice Road'])
    const bobs = await conversation('sess-bob-2', 'bob@mail.test', [`Please forward this to ${ALICE}`])
    const access = await open(ALICE, 'access')
    expect((await post(`/requests/${access.body.request_id}/verify`, { code: lastCode(ALICE) })).status).toBe(200)
    const erase = await open(ALICE, 'delete')
    const done = await post(`/requests/${erase.body.request_id}/verify`, { code: lastCode(ALICE) })
    expect(done).toMatchObject({ status: 200, body: { status: 'completed', erased: { conversations: 1 } } })
    expect(await query(`select id from sites.conversations where id = any($1)`, [[own, bobs]])).toEqual([{ id: bobs }])
    expect(await query(`select count(*)::int as n from sites.messages m join sites.conversations c on c.id = m.conversation_id where c.id = $1`, [bobs])).toEqual([{ n: 1 }])
    const requests = await query(`select request_type, status from sites.privacy_requests where email = $1 order by created_at`, [ALICE])
    expect(requests).toEqual([{ request_type: 'access', status: 'completed' }, { request_type: 'delete', status: 'completed' }])
    // The audit trail: each request's verification (without its code hash) and the export's access log entry.
    expect(await query(`select count(*)::int as n, count(code_hash)::int as hashes from sites.customer_verifications where email = $1`, [ALICE])).toEqual([{ n: 2, hashes: 0 }])
    expect(await query(`select action from sites.customer_access_logs where email = $1 order by created_at`, [ALICE])).toEqual([{ action: 'privacy.export' }])
    const listed = (await ownerRequests()).find((r) => r.id === erase.body.request_id)!
    expect(listed.review.map((i) => i.conversation_id)).toEqual([bobs])
  })
})

describe('opening requests', () => {
  it('30 requests at once for one email mail one code: one open request per email, type and site', async () => {
    const victim = 'victim@mail.test'
    const answers = await Promise.all(Array.from({ length: 30 }, () => open(victim, 'access')))
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1)
    expect(answers.filter((a) => a.status !== 202).map((a) => `${a.status} ${a.body.error.code}`)).toEqual(Array(29).fill('409 request_already_open'))
    expect(mailsTo(victim)).toHaveLength(1)
    // Other types: one each, and no more than 3 codes an hour in all.
    expect((await open(victim, 'delete')).status).toBe(202)
    expect((await open(victim, 'rectify')).status).toBe(202)
    expect(mailsTo(victim)).toHaveLength(3)
  })

  it('a new request gives no new guesses: 5 wrong codes over several requests lock the email on the site', async () => {
    const subject = 'guessed@mail.test'
    const access = await open(subject, 'access')
    const accessCode = lastCode(subject)
    const erase = await open(subject, 'delete')
    const eraseCode = lastCode(subject)
    for (let i = 0; i < 3; i++) expect((await post(`/requests/${access.body.request_id}/verify`, { code: wrong(accessCode) })).status).toBe(400)
    for (let i = 0; i < 2; i++) expect((await post(`/requests/${erase.body.request_id}/verify`, { code: wrong(eraseCode) })).status).toBe(400)
    // The right code of the second request is refused too: 5 guesses were spent on this email.
    expect(await post(`/requests/${erase.body.request_id}/verify`, { code: eraseCode })).toMatchObject({ status: 429, body: { error: { code: 'too_many_attempts' } } })
    const mailed = mailsTo(subject).length
    expect(await open(subject, 'rectify')).toMatchObject({ status: 429, body: { error: { code: 'too_many_attempts' } } })
    expect(mailsTo(subject)).toHaveLength(mailed)
  })

  it('20 wrong codes at once over two requests: exactly 5 are checked, the rest refused (serialised per email)', async () => {
    const subject = 'raced@mail.test'
    const access = await open(subject, 'access')
    const accessCode = lastCode(subject)
    const erase = await open(subject, 'delete')
    const eraseCode = lastCode(subject)
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => i % 2
      ? post(`/requests/${access.body.request_id}/verify`, { code: wrong(accessCode) })
      : post(`/requests/${erase.body.request_id}/verify`, { code: wrong(eraseCode) })))
    const codes = guesses.map((g) => g.body.error.code)
    expect(codes.filter((c) => c === 'wrong_code')).toHaveLength(5)
    expect(codes.filter((c) => c === 'too_many_attempts')).toHaveLength(15)
    expect((await post(`/requests/${access.body.request_id}/verify`, { code: accessCode })).status).toBe(429)
  })

  it('one client address opens at most 10 requests an hour on a site', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await open(`spray${i}@mail.test`, 'access', { ip: '198.51.100.77' })).status)
    expect(statuses).toEqual([...Array(10).fill(202), 429])
    const refused = await open('spray-last@mail.test', 'access', { ip: '198.51.100.77' })
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } })
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(mailsTo('spray-last@mail.test')).toEqual([])
    // A neighbour in the same /24 counts as the same client (one host rotating its own addresses).
    expect((await open('spray-neighbour@mail.test', 'access', { ip: '198.51.100.78' })).status).toBe(429)
    expect((await open('spray-other@mail.test', 'access', { ip: '198.51.200.78' })).status).toBe(202) // another network is not held back
  })

  it('an IPv6 client rotating through its /64 opens at most 10 requests an hour', async () => {
    const statuses: number[] = []
    for (let i = 1; i <= 11; i++) statuses.push((await open(`v6spray${i}@mail.test`, 'access', { ip: `2001:db8:77:1::${i.toString(16)}` })).status)
    expect(statuses).toEqual([...Array(10).fill(202), 429])
    expect((await open('v6spray-other@mail.test', 'access', { ip: '2001:db8:77:2::1' })).status).toBe(202)
  })

  it('only the site\'s own pages may open a request (Origin), and only on a verified site', async () => {
    const before = mail.messages.length
    expect(await open('origin@mail.test', 'access', { origin: 'https://evil.test' })).toMatchObject({ status: 403, body: { error: { code: 'origin_not_allowed' } } })
    expect(await open('origin@mail.test', 'access', { origin: null })).toMatchObject({ status: 403, body: { error: { code: 'origin_not_allowed' } } })
    const [{ id: squatter }] = await query<{ id: string }>(`select tests.create_supabase_user('privacy_squatter') as id`)
    await query(`insert into sites.domains (user_id, domain) values ($1, 'unverified.privacy.test')`, [squatter])
    expect(await post('/requests', { domain: 'unverified.privacy.test', email: 'origin@mail.test', type: 'access' }, { origin: 'https://unverified.privacy.test' }))
      .toMatchObject({ status: 404, body: { error: { code: 'site_not_found' } } })
    expect(mail.messages.length).toBe(before)
  })

  it('the owner is told of every request opened, without the code', async () => {
    const before = mailsTo(owner.email).length
    const opened = await open('notify@mail.test', 'rectify')
    const notes = mailsTo(owner.email).slice(before)
    expect(notes).toHaveLength(1)
    expect(notes[0].text).toContain(opened.body.request_id)
    expect(notes[0].text).not.toContain(lastCode('notify@mail.test'))
  })
})
