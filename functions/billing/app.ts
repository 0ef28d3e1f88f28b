// The billing function: usage metering (service role or cluster key), checkout / portal / summary
// for signed-in users, the daily Stripe reconciliation and the hourly end of past_due grace periods
// (service role).
import { createApp } from '../_shared/app.ts'
import { type AuthClaims, requireRole } from '../_shared/auth.ts'
import { db, withRole } from '../_shared/db.ts'
import { jsonBody, parse } from '../_shared/validation.ts'
import { ApiKeyBody, AssignBody, CheckoutBody, CollectBody, KubeconfigBody, UsageBody } from './schemas.ts'
import { collectUsage } from './collector.ts'
import { parseKubeconfig } from './kubeconfig.ts'
import { seal } from '../_shared/secrets.ts'
import { ApiError } from '../_shared/errors.ts'
import { assignUser, provisionDue, releaseUser } from './hopsworks.ts'
import { createCheckout, createPortal, reconcile } from './stripe-actions.ts'
import { recordUsage, usageCaller } from './usage.ts'

export const app = createApp<{ Variables: { claims: AuthClaims } }>('billing')

app.post('/usage', async (c) => {
  const cluster = await usageCaller(c.req.header('authorization'), c.req.header('x-cluster-key'))
  const body = parse(UsageBody, await jsonBody(c))
  return c.json({ days: await recordUsage(body, cluster) })
})

app.post('/checkout', requireRole('authenticated'), async (c) => {
  const claims = c.get('claims')
  return c.json(await createCheckout(claims.sub!, claims.email, parse(CheckoutBody, await jsonBody(c))))
})

app.post('/portal', requireRole('authenticated'), async (c) => c.json(await createPortal(c.get('claims').sub!)))

app.get('/summary', requireRole('authenticated'), async (c) => {
  const claims = c.get('claims')
  // Read as the user (RLS applies); filtered to the caller, since an admin's RLS would show everyone.
  const summary = await withRole('authenticated', claims, async (sql) => {
    const [credits] = await sql`
      select coalesce((select balance from billing.user_credits where user_id = auth.uid()), 0)::int as balance_cents,
             coalesce((select held_cents from billing.account_standing where user_id = auth.uid()), 0)::int as held_cents`
    const [month] = await sql`
      select coalesce(sum(total_cost), 0)::int as cost_cents, coalesce(sum(cpu_hours), 0)::float as cpu_hours,
             coalesce(sum(gpu_hours), 0)::float as gpu_hours, coalesce(sum(uncovered_cents), 0)::int as uncovered_cents
      from billing.usage_daily where user_id = auth.uid() and date >= date_trunc('month', current_date)`
    const invoices = await sql`
      select stripe_invoice_id, amount::int, currency, status, created_at from billing.billing_history where user_id = auth.uid() order by created_at desc limit 10`
    const [tier] = await sql`
      select t.name, t.display_name, t.limits from billing.subscription_tiers t
      where t.name = coalesce((select subscription_tier from billing.customers where user_id = auth.uid()), 'free')`
    return { balance_cents: credits.balance_cents, held_cents: credits.held_cents, restricted: credits.balance_cents < 0, month_to_date: month, invoices, tier }
  })
  return c.json(summary)
})

app.post('/reconcile', requireRole('service_role'), async (c) => c.json(await reconcile(3)))

// Hourly: past_due subscriptions whose grace period has ended go to the free tier.
app.post('/past-due', requireRole('service_role'), async (c) => {
  const [{ downgraded }] = await db()<{ downgraded: number }[]>`select billing.end_past_due_grace() as downgraded`
  return c.json({ downgraded })
})

// Hopsworks provisioning (service role): assigning creates or finds the user on the cluster; the seat
// is taken only once the cluster confirmed (200 active), otherwise the assignment stays pending and
// is retried by the scheduler (202). Releasing deactivates the user there, then frees the seat.
app.post('/assignments', requireRole('service_role'), async (c) => {
  const result = await assignUser(parse(AssignBody, await jsonBody(c)).user_id)
  return c.json(result, result.state === 'active' ? 200 : 202)
})

app.post('/assignments/:user/release', requireRole('service_role'), async (c) => {
  const user = parse(AssignBody, { user_id: c.req.param('user') }).user_id
  const result = await releaseUser(user)
  return c.json(result, result.state === 'released' ? 200 : 202)
})

// Every 5 minutes: pending and releasing assignments whose retry is due.
app.post('/provision', requireRole('service_role'), async (c) => c.json(await provisionDue()))

// A cluster's admin API key for the provisioner (a new cluster's, or a rotated one): sealed and
// stored; the plaintext column is cleared. Answers which cluster, never the key.
app.put('/clusters/:id/api-key', requireRole('service_role'), async (c) => {
  const id = parse(AssignBody.shape.user_id, c.req.param('id'))
  const body = parse(ApiKeyBody, await jsonBody(c))
  const sealed = await seal(body.api_key)
  const [row] = await db()<{ id: string }[]>`
    update billing.hopsworks_clusters set api_key_sealed = ${db().json(sealed as never)}, api_key = null
    where id = ${id} returning id`
  if (!row) throw new ApiError(404, 'cluster_not_found', 'No such cluster')
  return c.json({ cluster_id: row.id, sealed: true })
})

// A cluster's kubeconfig (JSON) for the usage collector: checked, sealed, stored; the plaintext
// column is cleared. Answers the API server it will reach, never the credentials.
app.put('/clusters/:id/kubeconfig', requireRole('service_role'), async (c) => {
  const id = parse(AssignBody.shape.user_id, c.req.param('id'))
  const body = parse(KubeconfigBody, await jsonBody(c))
  const access = parseKubeconfig(body.kubeconfig)
  const sealed = await seal(body.kubeconfig)
  const [row] = await db()<{ id: string; prometheus_service: string; usage_user_label: string }[]>`
    update billing.hopsworks_clusters
    set kubeconfig_sealed = ${db().json(sealed as never)}, kubeconfig = null,
        prometheus_service = coalesce(${body.prometheus_service ?? null}, prometheus_service),
        usage_user_label = coalesce(${body.usage_user_label ?? null}, usage_user_label)
    where id = ${id} returning id, prometheus_service, usage_user_label`
  if (!row) throw new ApiError(404, 'cluster_not_found', 'No such cluster')
  return c.json({ cluster_id: row.id, server: access.server, prometheus_service: row.prometheus_service, usage_user_label: row.usage_user_label })
})

// Daily (00:20 UTC): yesterday's per-user usage of every active cluster, from its Prometheus.
app.post('/collect-usage', requireRole('service_role'), async (c) => {
  const { date } = parse(CollectBody, (await c.req.text()) ? await jsonBody(c) : {})
  return c.json(await collectUsage(date ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)))
})
