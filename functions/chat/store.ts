// WooCommerce through its REST API (/wp-json/wc/v3, Basic auth with the site's consumer key and
// secret, kept sealed in private.site_credentials and opened here and nowhere else). Product
// searches are cached per query in customer_data_cache (STORE_CACHE_TTL_SECONDS); orders are read
// only for a verified visitor's email, cached under that email, and every read is written to
// customer_access_logs.
import { db } from '../_shared/db.ts'
import { env } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { open, type SealedSecret } from '../_shared/secrets.ts'
import { keywords, type Source } from './retrieval.ts'
import type { Site } from './site.ts'

const PRODUCT_INTENT = /\b(price|prices|cost|costs|buy|stock|product|products|available|sell|sells|shop)\b/i
// About the visitor's own orders ("where is my order", "order #1001"), not shipping in general.
const ORDER_INTENT = /\b(my|mine)\b[^.?!]*\b(order|orders|package|parcel|delivery|shipment|refund|tracking)\b|\border\s*(number|no\.?|#)\s*\d+/i

export const isOrderQuestion = (question: string) => ORDER_INTENT.test(question)
export const isProductQuestion = (question: string) => PRODUCT_INTENT.test(question)

interface WooProduct { id: number; name: string; price: string; stock_status: string; permalink: string; short_description?: string }
interface WooOrder { id: number; number: string; status: string; total: string; currency: string; date_created: string; billing: { email: string }; line_items: { name: string; quantity: number }[] }

const cacheTtlSeconds = () => Number(env('STORE_CACHE_TTL_SECONDS') ?? 300)

async function wooGet<T>(site: Site, path: string, params: Record<string, string>): Promise<T> {
  if (!site.woocommerce_url || !site.has_store_credentials) throw new ApiError(409, 'store_not_connected', `${site.domain} has no store connected`)
  const [row] = await db()<{ key: string; secret: string }[]>`
    select woocommerce_consumer_key as key, woocommerce_consumer_secret as secret from private.site_credentials where config_id = ${site.config_id}`
  const [key, secret] = await Promise.all([open<string>(JSON.parse(row.key) as SealedSecret), open<string>(JSON.parse(row.secret) as SealedSecret)])
  const url = new URL(`${site.woocommerce_url.replace(/\/$/, '')}/wp-json/wc/v3${path}`)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  const response = await fetch(url, { headers: { authorization: `Basic ${btoa(`${key}:${secret}`)}` }, signal: AbortSignal.timeout(10_000) })
  if (response.status === 404) return [] as T
  if (!response.ok) throw new ApiError(502, 'store_unavailable', `The store answered ${response.status}`)
  return await response.json() as T
}

async function cached<T>(site: Site, cacheKey: string, email: string | null, load: () => Promise<T>): Promise<T> {
  const sql = db()
  const [hit] = await sql<{ data: T }[]>`
    select data from sites.customer_data_cache where domain_id = ${site.domain_id} and cache_key = ${cacheKey} and expires_at > now()`
  if (hit) return hit.data
  const data = await load()
  await sql`
    insert into sites.customer_data_cache (domain_id, cache_key, email, data, expires_at)
    values (${site.domain_id}, ${cacheKey}, ${email}, ${sql.json(data as never)}, now() + make_interval(secs => ${cacheTtlSeconds()}))
    on conflict (domain_id, cache_key) do update set data = excluded.data, email = excluded.email, expires_at = excluded.expires_at`
  return data
}

export async function productSources(site: Site, question: string): Promise<Source[]> {
  if (!site.has_store_credentials || !isProductQuestion(question)) return []
  const term = keywords(question).find((w) => !PRODUCT_INTENT.test(w))
  if (!term) return []
  const products = await cached(site, `products:${term}`, null, () => wooGet<WooProduct[]>(site, '/products', { search: term, per_page: '5' }))
  return products.map((p) => ({
    kind: 'product', url: p.permalink, title: p.name,
    text: `${p.name}: price ${p.price}, ${p.stock_status === 'instock' ? 'in stock' : p.stock_status}.`,
  }))
}

export async function logAccess(site: Site, entry: { email: string | null; sessionId?: string; action: string; resource?: string; details?: Record<string, unknown>; ipHash?: string }) {
  const sql = db()
  await sql`insert into sites.customer_access_logs (domain_id, email, session_id, actor, action, resource, details, ip_hash)
    values (${site.domain_id}, ${entry.email}, ${entry.sessionId ?? null}, 'chat-widget', ${entry.action}, ${entry.resource ?? null},
            ${sql.json((entry.details ?? {}) as never)}, ${entry.ipHash ?? null})`
}

/** The orders of a verified email (the store's search, then an exact billing-email match). */
export async function orderSources(site: Site, email: string, sessionId: string, ipHash: string): Promise<Source[]> {
  const orders = await cached(site, `orders:${email}`, email, async () =>
    (await wooGet<WooOrder[]>(site, '/orders', { search: email, per_page: '10' })).filter((o) => o.billing?.email?.toLowerCase() === email))
  await logAccess(site, { email, sessionId, action: 'orders.read', resource: 'woocommerce.orders', details: { count: orders.length }, ipHash })
  return orders.map((o) => ({
    kind: 'order', url: null, title: `Order #${o.number}`,
    text: `Order #${o.number} from ${o.date_created.slice(0, 10)}: ${o.status}, total ${o.total} ${o.currency}; ${o.line_items.map((l) => `${l.quantity}x ${l.name}`).join(', ')}.`,
  }))
}

/** Email + order number: verified when the store has that order for that billing email. */
export async function orderMatches(site: Site, email: string, orderNumber: string): Promise<boolean> {
  if (!/^\d+$/.test(orderNumber)) return false
  const order = await wooGet<WooOrder | WooOrder[]>(site, `/orders/${orderNumber}`, {})
  return !Array.isArray(order) && order.billing?.email?.toLowerCase() === email
}
