// The catalog function: public search over offers and packages, price comparison, the assistant
// (signed-in users) and the sync (service role; daily via the scheduler).
import { createApp } from '../_shared/app.ts'
import { type AuthClaims, requireRole } from '../_shared/auth.ts'
import { jsonBody, parse } from '../_shared/validation.ts'
import { ask } from './assistant.ts'
import { AssistantBody, CompareQuery, InstanceQuery, PackageQuery, SyncBody } from './schemas.ts'
import { comparePrices, searchInstances, searchPackages } from './search.ts'
import { runCatalogSync } from './sync.ts'

export const app = createApp<{ Variables: { claims: AuthClaims } }>('catalog')

app.get('/instances', async (c) => c.json(await searchInstances(parse(InstanceQuery, c.req.query()))))
app.get('/packages', async (c) => c.json({ packages: await searchPackages(parse(PackageQuery, c.req.query())) }))
app.get('/compare', async (c) => c.json({ offers: await comparePrices(parse(CompareQuery, c.req.query())) }))

app.post('/assistant', requireRole('authenticated'), async (c) => {
  const body = parse(AssistantBody, await jsonBody(c))
  return c.json(await ask(c.get('claims').sub!, body))
})

app.post('/sync', requireRole('service_role'), async (c) => {
  const body = parse(SyncBody, await jsonBody(c))
  const sources = await runCatalogSync(body)
  return c.json({ ok: sources.every((s) => s.ok), sources })
})
