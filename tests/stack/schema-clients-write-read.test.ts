// Write-then-read with supabase-js through the local stack, on the tables whose secrets are kept out
// of clients' reach by column privileges (agents.agents.agent_token, the sealed store credentials of
// sites.customer_configs): insert(...).select('<the readable columns>') returns the row to its owner,
// while the hidden values stay unreadable to the owner and everyone else (select('*') included, since
// it would name them). studio.templates, whose graph_data moved out of the table, reads with select('*')
// and selects graph_data as the caller's tier allows. And the enums as clients use them over REST.
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Constants, type Database } from '../../types/database.ts'
import type { RunningStack } from '../../stack/stack.ts'
import { anonClient, signedInClient } from '../support/gateway-clients.ts'
import { startTestStack } from '../support/test-stack.ts'

// What an owner may read: every column but the secrets (the lists the table comments document).
const AGENT_COLUMNS = 'id, user_id, name, description, subdomain, repo_owner, repo_name, github_url, agent_address, app_id, price_microalgo, status, runtime_status, category, tags, data_input, example_input, example_output, created_at, updated_at'
const CONFIG_COLUMNS = 'id, customer_id, domain, business_name, business_description, primary_color, welcome_message, suggested_questions, woocommerce_url, owned_domains, rate_limit, allowed_origins, active, created_at, updated_at, native_app_key'
const SEALED = JSON.stringify({ alg: 'A256GCM', iv: 'aXY=', ct: 'c2VjcmV0' })

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

describe('agents: write, then read what an owner may read', () => {
  it('insert(...).select(the readable columns) returns the new agent to its owner', async () => {
    const { data, error } = await ann.schema('agents').from('agents')
      .insert({ name: 'Summarizer', subdomain: 'wr-summarizer', repo_owner: 'ann', repo_name: 'summarizer', github_url: 'https://github.com/ann/summarizer', category: 'Language' })
      .select(AGENT_COLUMNS).single()
    expect(error).toBeNull()
    expect(Object.keys(data!).sort()).toEqual(AGENT_COLUMNS.split(', ').sort())
    expect(data).toMatchObject({ name: 'Summarizer', subdomain: 'wr-summarizer', status: 'pending', runtime_status: 'pending', category: 'Language' })
    const updated = await ann.schema('agents').from('agents').update({ description: 'Short summaries' }).eq('id', data!.id).select(AGENT_COLUMNS).single()
    expect(updated.error).toBeNull()
    expect(updated.data!.description).toBe('Short summaries')
  })

  it('the token hash stays unreadable: by its owner, by another user, by anon, and through select(\'*\')', async () => {
    const [{ id }] = await stack.db.query<{ id: string }>(`update agents.agents set agent_token = repeat('ab', 32) where subdomain = 'wr-summarizer' returning id`)
    for (const client of [ann, ben, anon]) {
      const token = await client.schema('agents').from('agents').select('agent_token').eq('id', id)
      expect(token.error?.code).toBe('42501')
      expect(token.data).toBeNull()
      const star = await client.schema('agents').from('agents').select('*').eq('id', id)
      expect(star.error?.code).toBe('42501')
      expect(JSON.stringify(star.data ?? null)).not.toContain('abab')
    }
    const inserted = await ann.schema('agents').from('agents')
      .insert({ name: 'Star', subdomain: 'wr-star', repo_owner: 'ann', repo_name: 'star', github_url: 'https://github.com/ann/star' }).select()
    expect(inserted.error?.code).toBe('42501')
    // The statement is refused as a whole: nothing was written.
    expect(await stack.db.query(`select 1 from agents.agents where subdomain = 'wr-star'`)).toEqual([])
  })

  it('another user reads none of the owner\'s draft agent, whatever columns they name', async () => {
    expect((await ben.schema('agents').from('agents').select(AGENT_COLUMNS).eq('subdomain', 'wr-summarizer')).data).toEqual([])
  })
})

describe('sites.customer_configs: write, then read what an owner may read', () => {
  it('insert(...).select(the readable columns) returns the new config to its owner; the sealed credentials stay unreadable', async () => {
    const customer = await ann.schema('sites').from('customers').insert({ email: 'ann-write-read@example.test', name: 'Ann' }).select().single()
    expect(customer.error).toBeNull()
    const { data, error } = await ann.schema('sites').from('customer_configs')
      .insert({ customer_id: customer.data!.id, domain: 'shop.wr.test', business_name: 'Ann\'s shop', woocommerce_url: 'https://shop.wr.test' })
      .select(CONFIG_COLUMNS).single()
    expect(error).toBeNull()
    expect(Object.keys(data!).sort()).toEqual(CONFIG_COLUMNS.split(', ').sort())
    expect(data).toMatchObject({ domain: 'shop.wr.test', business_name: 'Ann\'s shop', rate_limit: 10, allowed_origins: ['*'], active: true })

    // The store credentials are written sealed by the service side, never by the owner.
    const written = await ann.schema('sites').from('customer_configs').update({ woocommerce_consumer_key: SEALED } as never).eq('id', data!.id)
    expect(written.error?.code).toBe('42501')
    await stack.db.query(`update sites.customer_configs set woocommerce_consumer_key = $1, woocommerce_consumer_secret = $1, encrypted_credentials = $2::text::jsonb where id = $3`, [SEALED, SEALED, data!.id])
    for (const column of ['woocommerce_consumer_key', 'woocommerce_consumer_secret', 'encrypted_credentials', '*']) {
      const read = await ann.schema('sites').from('customer_configs').select(column).eq('id', data!.id)
      expect(read.error?.code).toBe('42501')
      expect(JSON.stringify(read.data ?? null)).not.toContain('c2VjcmV0')
    }
    expect((await ben.schema('sites').from('customer_configs').select(CONFIG_COLUMNS).eq('id', data!.id)).data).toEqual([])
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
