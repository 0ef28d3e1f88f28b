// Write-then-read with supabase-js through the local stack. agents.agents and sites.customer_configs
// keep no secret any more (the agent token's hash is in private.agent_token_salts, the sealed store
// credentials in private.site_credentials): an owner's .insert(row).select() (select('*')) returns
// the whole row, and the secrets are in no answer to any client, nor reachable through the private
// schema. studio.templates, whose graph_data moved out of the table, reads with select('*') and
// selects graph_data as the caller's tier allows. And the enums as clients use them over REST.
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Constants, type Database } from '../../types/database.ts'
import type { RunningStack } from '../../stack/stack.ts'
import { anonClient, signedInClient } from '../support/gateway-clients.ts'
import { startTestStack } from '../support/test-stack.ts'

// Every column of each table, which is what an owner reads.
const AGENT_COLUMNS = 'id, user_id, name, description, subdomain, repo_owner, repo_name, github_url, agent_address, app_id, price_microalgo, status, runtime_status, category, tags, data_input, example_input, example_output, created_at, updated_at, price_asset'
const CONFIG_COLUMNS = 'id, customer_id, domain, business_name, business_description, primary_color, welcome_message, suggested_questions, woocommerce_url, owned_domains, rate_limit, allowed_origins, active, created_at, updated_at, native_app_key, site_rate_limit'
const SEALED = JSON.stringify({ alg: 'A256GCM', iv: 'aXY=', ct: 'c2VjcmV0' })

/** The stored token hash: 64 hex digits, so no UUID or timestamp in an answer can contain it by chance. */
const TOKEN_HASH = 'ab'.repeat(32)

let stack: RunningStack
let anon: SupabaseClient<Database>
let ann: SupabaseClient<Database>
let ben: SupabaseClient<Database>

beforeAll(async () => {
  stack = await startTestStack()
  anon = anonClient(stack)
  ann = await signedInClient(stack, 'ann-write-read@example.test')
  ben = await signedInClient(stack, 'ben-write-read@example.test')
})
afterAll(async () => {
  await stack?.stop()
})

describe('agents: write, then read the whole row', () => {
  it('insert(...).select() returns the new agent, every column, to its owner', async () => {
    const { data, error } = await ann.schema('agents').from('agents')
      .insert({ name: 'Summarizer', subdomain: 'wr-summarizer', repo_owner: 'ann', repo_name: 'summarizer', github_url: 'https://github.com/ann/summarizer', category: 'Language' })
      .select().single()
    expect(error).toBeNull()
    expect(Object.keys(data!).sort()).toEqual(AGENT_COLUMNS.split(', ').sort())
    expect(data).toMatchObject({ name: 'Summarizer', subdomain: 'wr-summarizer', status: 'pending', runtime_status: 'pending', category: 'Language' })
    const updated = await ann.schema('agents').from('agents').update({ description: 'Short summaries' }).eq('id', data!.id).select().single()
    expect(updated.error).toBeNull()
    expect(updated.data!.description).toBe('Short summaries')
  })

  it('the token hash is in no client\'s answer: not the owner\'s select(\'*\'), not another user\'s, not anon\'s, not through the private schema', async () => {
    const [{ id }] = await stack.db.query<{ id: string }>(`select id from agents.agents where subdomain = 'wr-summarizer'`)
    await stack.db.query(`insert into private.agent_token_salts (agent_id, salt, token_sha256) values ($1, repeat('5a', 16), $2)`, [id, TOKEN_HASH])
    const own = await ann.schema('agents').from('agents').select('*').eq('id', id)
    expect(own.error).toBeNull()
    expect(own.data).toHaveLength(1)
    expect(JSON.stringify(own.data)).not.toContain(TOKEN_HASH)
    // Another user does not see a draft; anon reads a column list, and select('*') names columns it may not read.
    expect((await ben.schema('agents').from('agents').select('*').eq('id', id)).data).toEqual([])
    expect((await anon.schema('agents').from('agents').select('*').eq('id', id)).error?.code).toBe('42501')
    for (const client of [ann, ben, anon]) {
      const salts = await (client as unknown as SupabaseClient).schema('private').from('agent_token_salts').select('*')
      expect(salts.error?.code).toBe('PGRST106')
      expect(JSON.stringify(salts.data ?? null)).not.toContain(TOKEN_HASH)
    }
  })

  it('another user reads none of the owner\'s draft agent', async () => {
    expect((await ben.schema('agents').from('agents').select().eq('subdomain', 'wr-summarizer')).data).toEqual([])
  })
})

describe('sites.customer_configs: write, then read the whole row', () => {
  it('insert(...).select() returns the new config, every column, to its owner; the sealed credentials are in no answer', async () => {
    const customer = await ann.schema('sites').from('customers').insert({ email: 'ann-write-read@example.test', name: 'Ann' }).select().single()
    expect(customer.error).toBeNull()
    const { data, error } = await ann.schema('sites').from('customer_configs')
      .insert({ customer_id: customer.data!.id, domain: 'shop.wr.test', business_name: 'Ann\'s shop', woocommerce_url: 'https://shop.wr.test' })
      .select().single()
    expect(error).toBeNull()
    expect(Object.keys(data!).sort()).toEqual(CONFIG_COLUMNS.split(', ').sort())
    expect(data).toMatchObject({ domain: 'shop.wr.test', business_name: 'Ann\'s shop', rate_limit: 10, allowed_origins: ['*'], active: true })

    // The store credentials are written sealed by the service side, never by the owner.
    const written = await ann.schema('sites').from('customer_configs').update({ woocommerce_consumer_key: SEALED } as never).eq('id', data!.id)
    expect(written.error).not.toBeNull()
    await stack.db.query(`insert into private.site_credentials (config_id, woocommerce_consumer_key, woocommerce_consumer_secret, encrypted_credentials) values ($1, $2, $2, $3::text::jsonb)`,
      [data!.id, SEALED, SEALED])
    const read = await ann.schema('sites').from('customer_configs').select().eq('id', data!.id)
    expect(read.error).toBeNull()
    expect(read.data).toHaveLength(1)
    expect(JSON.stringify(read.data)).not.toContain('c2VjcmV0')
    for (const client of [ann, ben, anon]) {
      const credentials = await (client as unknown as SupabaseClient).schema('private').from('site_credentials').select('*')
      expect(credentials.error?.code).toBe('PGRST106')
      expect(JSON.stringify(credentials.data ?? null)).not.toContain('c2VjcmV0')
    }
    expect((await ben.schema('sites').from('customer_configs').select().eq('id', data!.id)).data).toEqual([])
    expect((await anon.schema('sites').from('customer_configs').select().eq('id', data!.id)).error?.code).toBe('42501')
  })
})

describe('studio.templates: select(\'*\') for everyone, graph_data as the tier allows', () => {
  it('anon lists every column with select(), and reads the graph of free templates only', async () => {
    const listed = await anon.schema('studio').from('templates').select()
    expect(listed.error).toBeNull()
    expect(listed.data!.length).toBeGreaterThan(1)
    expect(Object.keys(listed.data![0])).not.toContain('graph_data')
    const graphs = await anon.schema('studio').from('templates').select('name, is_premium, graph_data').order('name')
    expect(graphs.error).toBeNull()
    for (const t of graphs.data!) {
      if (t.is_premium) expect(t.graph_data).toBeNull()
      else expect((t.graph_data as { nodes: unknown[] }).nodes.length).toBeGreaterThan(0)
    }
    expect(graphs.data!.some((t) => t.is_premium)).toBe(true)
  })

  it('a signed-in user on a tier with premium templates reads every graph', async () => {
    await stack.db.query(`insert into billing.customers (user_id, subscription_tier) select id, 'pro' from auth.users where email = 'ben-write-read@example.test'`)
    const graphs = await ben.schema('studio').from('templates').select('name, graph_data')
    expect(graphs.error).toBeNull()
    expect(graphs.data!.filter((t) => t.graph_data === null)).toEqual([])
  })
})

describe('enums over REST', () => {
  it('the generated types carry the values', () => {
    expect(Constants.agents.Enums.agent_category).toContain('Language')
    expect(Constants.agents.Enums.agent_status).toEqual(['active', 'deleted', 'deploying', 'failed', 'inactive', 'pending'])
    expect(Constants.studio.Enums.project_status).toEqual(['active', 'archived', 'draft'])
  })

  it('filters and order on an enum column work; an unknown value is a 400 with 22P02', async () => {
    const studio = ann.schema('studio')
    expect((await studio.from('projects').insert([{ name: 'Draft one' }, { name: 'Live one', status: 'active' }])).error).toBeNull()
    const active = await studio.from('projects').select('name, status').eq('status', 'active')
    expect(active.data).toEqual([{ name: 'Live one', status: 'active' }])
    const both = await studio.from('projects').select('name').in('status', ['draft', 'active']).order('status').order('name')
    expect(both.data!.map((p) => p.name)).toEqual(['Live one', 'Draft one'])
    const bad = await studio.from('projects').update({ status: 'deleted' as never }).eq('name', 'Draft one')
    expect(bad.status).toBe(400)
    expect(bad.error?.code).toBe('22P02')
    expect((await studio.from('projects').select('status').eq('name', 'Draft one').single()).data!.status).toBe('draft')
  })
})
