// Hopsworks provisioning: a user assigned to a cluster is created (or found) on it through the
// cluster's admin REST API with its api_key, and deactivated there when unassigned. The database
// holds the state (billing.reserve_cluster -> confirm_assignment; begin_release -> finish_release);
// a failed call leaves the assignment pending/releasing for POST /billing/provision to retry.
//
// Hopsworks admin API (hopsworks-api, UsersAdminResource), base <api_url>/hopsworks-api/api/admin,
// header `Authorization: ApiKey <key>`:
//   POST /users?accountType=REMOTE_ACCOUNT_TYPE&type=OAUTH2&email&givenName&surname&subject&clientId
//        -> 201 {uuid, email, username, ...}; 409 when the user exists
//   GET  /users?filter_by=type:REMOTE_ACCOUNT_TYPE&offset&limit -> {items: [{id, email, username, status}], count}
//   PUT  /users/{id} {"status": 3} -> deactivated (DEACTIVATED_ACCOUNT)
import { db } from '../_shared/db.ts'
import { env, requireEnv } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { open, seal, type SealedSecret } from '../_shared/secrets.ts'

const DEACTIVATED_ACCOUNT = 3
const PAGE = 200

export interface ClusterApi {
  api_url: string
  api_key: string
}

export interface HopsworksUser {
  id?: number
  email: string
  username: string
}

export interface Assignment {
  user_id: string
  hopsworks_cluster_id: string
  hopsworks_username: string | null
  state: 'pending' | 'active' | 'releasing'
  attempts: number
  next_attempt_at: string | null
  last_error: string | null
}

/** The cluster did not do what was asked (5xx, timeout, unexpected answer): retried later. */
export class ClusterCallFailed extends Error {}

function adminBase(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, '')
  return base.endsWith('/hopsworks-api/api') ? `${base}/admin` : `${base}/hopsworks-api/api/admin`
}

async function call(cluster: ClusterApi, method: string, path: string, body?: unknown): Promise<Response> {
  const timeout = Number(env('HOPSWORKS_TIMEOUT_MS') ?? 10_000)
  try {
    return await fetch(`${adminBase(cluster.api_url)}${path}`, {
      method,
      headers: { authorization: `ApiKey ${cluster.api_key}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    })
  } catch (err) {
    throw new ClusterCallFailed(`${method} ${path}: ${(err as Error).name === 'TimeoutError' ? `no answer within ${timeout} ms` : (err as Error).message}`)
  }
}

async function failed(res: Response, what: string): Promise<ClusterCallFailed> {
  return new ClusterCallFailed(`${what}: HTTP ${res.status} ${(await res.text().catch(() => '')).slice(0, 200)}`)
}

/** The cluster's user with this email (case-insensitive), or undefined. Pages through the list. */
export async function findUser(cluster: ClusterApi, email: string): Promise<HopsworksUser | undefined> {
  for (let offset = 0; ; offset += PAGE) {
    const res = await call(cluster, 'GET', `/users?filter_by=type:REMOTE_ACCOUNT_TYPE&offset=${offset}&limit=${PAGE}`)
    if (!res.ok) throw await failed(res, 'list users')
    const page = (await res.json()) as { items?: HopsworksUser[]; count?: number }
    const items = page.items ?? []
    const hit = items.find((u) => u.email?.toLowerCase() === email.toLowerCase())
    if (hit) return hit
    if (items.length < PAGE) return undefined
  }
}

/** Creates the user on the cluster, or finds them when they exist already (409); returns the username. */
export async function createOrFindUser(cluster: ClusterApi, person: { email: string; name: string | null; subject: string }): Promise<string> {
  const clientId = requireEnv('HOPSWORKS_OAUTH_CLIENT_ID', 'hopsworks_not_configured')
  const [given, ...rest] = (person.name?.trim() || person.email.split('@')[0]).split(/\s+/)
  const query = new URLSearchParams({
    accountType: 'REMOTE_ACCOUNT_TYPE', type: 'OAUTH2', email: person.email, givenName: given, surname: rest.join(' ') || given,
    subject: person.subject, clientId, maxNumProjects: env('HOPSWORKS_MAX_NUM_PROJECTS') ?? '5',
  })
  const res = await call(cluster, 'POST', `/users?${query}`)
  if (res.status === 201 || res.status === 200) {
    const created = (await res.json()) as Partial<HopsworksUser>
    if (created.username) return created.username
  } else if (res.status !== 409) {
    throw await failed(res, 'create user')
  }
  const found = await findUser(cluster, person.email)
  if (!found?.username) throw new ClusterCallFailed(`create user: HTTP ${res.status}, and no user with ${person.email} on the cluster`)
  return found.username
}

/** Deactivates the user on the cluster (status DEACTIVATED_ACCOUNT); a user the cluster never had is done. */
export async function deactivateUser(cluster: ClusterApi, email: string): Promise<void> {
  const found = await findUser(cluster, email)
  if (!found) return
  if (found.id === undefined) throw new ClusterCallFailed(`user ${found.username} has no id in the cluster's list`)
  const res = await call(cluster, 'PUT', `/users/${found.id}`, { status: DEACTIVATED_ACCOUNT })
  if (!res.ok) throw await failed(res, 'deactivate user')
}

interface Subject {
  email: string | null
  name: string | null
  subject: string
  api_url: string
}

interface ClusterKey {
  cluster_id: string
  api_key: string | null
  api_key_sealed: SealedSecret | null
}

/**
 * The cluster's admin API key: opened from api_key_sealed; a plaintext key (a cluster registered by
 * hand) is sealed and cleared on first use when CREDENTIALS_ENCRYPTION_KEY is set, else used as is.
 */
async function clusterKey(row: ClusterKey): Promise<string> {
  if (row.api_key_sealed) return await open<string>(row.api_key_sealed)
  const plain = row.api_key as string // the table's check: one of the two is set
  if (env('CREDENTIALS_ENCRYPTION_KEY')) {
    const sealed = await seal(plain)
    await db()`
      update billing.hopsworks_clusters set api_key_sealed = ${db().json(sealed as never)}, api_key = null
      where id = ${row.cluster_id} and api_key = ${plain} and api_key_sealed is null`
  }
  return plain
}

async function subjectOf(userId: string, clusterId: string): Promise<Subject & ClusterApi> {
  const [row] = await db()<(Subject & ClusterKey)[]>`
    select p.email, p.display_name as name, coalesce(p.external_id, p.id::text) as subject, c.api_url,
           c.id as cluster_id, c.api_key, c.api_key_sealed
    from public.profiles p, billing.hopsworks_clusters c where p.id = ${userId} and c.id = ${clusterId}`
  if (!row) throw new ApiError(404, 'user_not_found', 'No such user')
  return { email: row.email, name: row.name, subject: row.subject, api_url: row.api_url, api_key: await clusterKey(row) }
}

/** One attempt at moving an assignment on: pending -> active, releasing -> gone. Failures are noted for a retry. */
export async function advance(assignment: Assignment): Promise<{ state: Assignment['state'] | 'released'; assignment?: Assignment; error?: string }> {
  const who = await subjectOf(assignment.user_id, assignment.hopsworks_cluster_id)
  try {
    if (!who.email) throw new ClusterCallFailed('the user has no email to register on the cluster')
    if (assignment.state === 'pending') {
      const username = await createOrFindUser(who, { email: who.email, name: who.name, subject: who.subject })
      const [row] = await db()<Assignment[]>`select * from billing.confirm_assignment(${assignment.user_id}, ${username})`
      return { state: row.state, assignment: row }
    }
    if (assignment.state === 'releasing') {
      await deactivateUser(who, who.email)
      await db()`select billing.finish_release(${assignment.user_id})`
      return { state: 'released' }
    }
    return { state: assignment.state, assignment }
  } catch (err) {
    if (!(err instanceof ClusterCallFailed)) throw err
    const [row] = await db()<Assignment[]>`select * from billing.note_provisioning_failure(${assignment.user_id}, ${err.message})`
    return { state: row?.state ?? assignment.state, assignment: row, error: err.message }
  }
}

const HINTS: Record<string, [409 | 503, string]> = {
  no_capacity: [409, 'No active cluster has room for another user'],
  account_restricted: [409, 'The credit balance is below zero (a refund or dispute): buy credits first'],
}

/** POST /billing/assignments: reserve a seat, then create the user on the cluster. */
export async function assignUser(userId: string) {
  let reserved: Assignment
  try {
    ;[reserved] = await db()<Assignment[]>`select * from billing.reserve_cluster(${userId})`
  } catch (err) {
    const e = err as { code?: string; hint?: string }
    if (e.code === 'P0001' && e.hint && HINTS[e.hint]) throw new ApiError(HINTS[e.hint][0], e.hint, HINTS[e.hint][1])
    if (e.code === '23503') throw new ApiError(404, 'user_not_found', 'No such user')
    throw err
  }
  if (reserved.state !== 'pending') return { state: reserved.state, assignment: reserved }
  return await advance(reserved)
}

/** POST /billing/assignments/:user/release: deactivate on the cluster, then free the seat. */
export async function releaseUser(userId: string) {
  const [row] = await db()<(Assignment | { user_id: null })[]>`select * from billing.begin_release(${userId})`
  if (!row?.user_id) throw new ApiError(404, 'not_assigned', 'The user has no cluster assignment')
  return await advance(row as Assignment)
}

/** POST /billing/provision (scheduled): retries due pending and releasing assignments. */
export async function provisionDue(limit = 50) {
  const due = await db()<Assignment[]>`select * from billing.claim_provisioning(${limit})`
  const results = []
  for (const a of due) {
    const r = await advance(a)
    results.push({ user_id: a.user_id, state: r.state, error: r.error })
  }
  return { attempted: due.length, results }
}
