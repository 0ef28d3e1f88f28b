// The RPCs the docs name are the database's: every mention in README.md and docs/*.md (forms in
// tests/docs/rpc-mentions.ts and docs/testing.md) names a function of types/database.ts with its real
// argument names (and, where given, the SQL types of docs/schema/<schema>.sql); and every RPC of the
// exposed schemas is documented. supabase-js passes named arguments, so a wrong name is a failed call.
// No database needed: it reads the committed generated files.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../stack/config.ts'
import { type DatabaseFunctions, isComputedField, readDatabaseFunctions, readSqlSignatures } from './database-functions.ts'
import { checkMention, findRpcMentions, type Problem } from './rpc-mentions.ts'

const functions = readDatabaseFunctions(join(ROOT, 'types', 'database.ts'))
const sql = readSqlSignatures(join(ROOT, 'docs', 'schema'), functions.keys())

const DOC_FILES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)]

function problemsIn(file: string, markdown: string, fns: DatabaseFunctions = functions) {
  const { mentions, problems } = findRpcMentions(file, markdown, fns)
  return { mentions, problems: [...problems, ...mentions.flatMap((m) => checkMention(m, fns, sql))] }
}

const format = (p: Problem) => `${p.file}:${p.line}: ${p.message}`

describe('the docs checker', () => {
  it('reads the functions of every exposed schema from types/database.ts, overloads included', () => {
    expect([...functions.keys()].sort()).toEqual(['agents', 'billing', 'cloud', 'public', 'sites', 'studio'])
    expect(functions.get('billing')!.get('add_credit_entry')).toEqual([{
      computedField: false,
      args: [
        { name: 'amount', optional: false },
        { name: 'entry_currency', optional: true },
        { name: 'entry_kind', optional: false },
        { name: 'entry_reference', optional: true },
        { name: 'entry_source', optional: false },
        { name: 'key', optional: false },
        { name: 'target_user', optional: false },
      ],
    }])
    expect(functions.get('sites')!.get('search_embeddings')!.map((o) => o.args.map((a) => a.name).sort())).toEqual([
      ['domain', 'k', 'query'],
      ['domain', 'k', 'query', 'query_embedding'],
    ])
    expect(functions.get('sites')!.get('start_due_crawls')).toEqual([{ args: [], computedField: false }])
    expect(sql.get('billing.add_credit_entry')![0].map((a) => `${a.name}${a.hasDefault ? ' =' : ''}`)).toEqual([
      'target_user', 'entry_kind', 'amount', 'key', 'entry_source', 'entry_reference =', 'entry_currency =',
    ])
    expect(sql.get('billing.add_credit_entry')![0].find((a) => a.name === 'amount')!.type).toBe('bigint')
  })

  it('tells computed fields (a function of one row, listed in the table\'s ComputedFields) from RPCs', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'docs-rpcs-')), 'database.ts')
    writeFileSync(file, `export type Database = {
      s: {
        Tables: { graphs: { Row: { id: string; nodes: Json | null }; ComputedFields: 'nodes' } }
        Views: { [_ in never]: never }
        Functions: {
          nodes: { Args: { graph: Omit<Database['s']['Tables']['graphs']['Row'], Database['s']['Tables']['graphs']['ComputedFields']> }; Returns: Json }
          save: { Args: { graph: string }; Returns: Json }
        }
      }
    }`)
    const fns = readDatabaseFunctions(file)
    expect(fns.get('s')!.get('nodes')).toEqual([{ args: [{ name: 'graph', optional: false }], computedField: true }])
    expect(fns.get('s')!.get('save')).toEqual([{ args: [{ name: 'graph', optional: false }], computedField: false }])
    expect(problemsIn('synthetic.md', '`s.nodes(graph)` and `nodes(graph)`, `save(graph)`', fns).problems.map(format)).toEqual([
      'synthetic.md:1: `save(graph)` names an RPC without its schema: write `s.save(...)`',
      "synthetic.md:1: `s.nodes(graph)`: s.nodes is a computed field: it is read as a column (select('*, nodes')), not called",
    ])
  })

  it('refuses wrong names, a missing required argument, a wrong ? or type, an unqualified RPC and a wrong .rpc() key', () => {
    const md = [
      'Charged with `billing.add_credit_entry(user, kind, cents, idempotency_key, source, reference)`.', // the README's old names
      'Also `billing.add_credit_entry(target_user uuid, entry_kind text, amount bigint, key text)`.', // entry_source missing
      '`cloud.sync_provider_snapshot(provider, snapshot)` upserts.', // provider_key
      '| `sync_provider_snapshot(provider_key, snapshot)` | in a table, unqualified |',
      '`billing.assign_cluster(target_user uuid, username text)` and `billing.assign_cluster(target_user? uuid)`.',
      '`billing.add_credit_entry(target_user uuid, entry_kind text, amount integer, key text, entry_source text)`.',
      '`cloud.compare_prices(gpu_model_filter = \'H100\')` and `cloud.no_such_rpc()`.',
      '```ts',
      "const { data } = await supabase.schema('cloud').rpc('compare_prices', { gpu_model: 'H100' })",
      '```',
    ].join('\n')
    expect(problemsIn('synthetic.md', md).problems.map(format)).toEqual([
      expect.stringMatching(/^synthetic\.md:4: `sync_provider_snapshot\(provider_key, snapshot\)` names an RPC without its schema: write `cloud\.sync_provider_snapshot\(\.\.\.\)`$/),
      expect.stringMatching(/^synthetic\.md:7: .*"gpu_model_filter = 'H100'" is not an argument/),
      expect.stringMatching(/^synthetic\.md:1: .*the arguments are `billing\.add_credit_entry\(target_user uuid, entry_kind \S+, amount bigint, key text, entry_source \S+, entry_reference\? jsonb, entry_currency\? character\)`$/),
      expect.stringMatching(/^synthetic\.md:2: .*the arguments are/),
      expect.stringMatching(/^synthetic\.md:3: `cloud\.sync_provider_snapshot\(provider, snapshot\)`: the arguments are `cloud\.sync_provider_snapshot\(provider_key \S+, snapshot jsonb\)`$/),
      expect.stringMatching(/^synthetic\.md:5: .*username has a default: write it as username\?/),
      expect.stringMatching(/^synthetic\.md:5: .*target_user is required: drop the \?/),
      expect.stringMatching(/^synthetic\.md:6: .*amount is bigint, not integer$/),
      expect.stringMatching(/^synthetic\.md:7: `cloud\.no_such_rpc\(\)`: there is no RPC cloud\.no_such_rpc/),
      expect.stringMatching(/^synthetic\.md:9: .*arguments \{gpu_model\} do not fit `cloud\.compare_prices\(/),
    ])
  })

  it('accepts the documented forms: subsets of optional arguments, ..., types by alias, overloads, .rpc() on a narrowed client', () => {
    const md = [
      '`billing.add_credit_entry(target_user uuid, entry_kind text, amount int8, key text, entry_source text, ...)`',
      '`cloud.search_instances(query_embedding? vector(1536), match_count? int, ...)`, `sites.start_due_crawls()`',
      '`sites.search_embeddings(query text, query_embedding vector, domain text, k? integer)` and',
      '`sites.search_embeddings(query text, domain text)`; `private.match_vectors(anything, goes)` is not an RPC.',
      '```ts',
      "const cloud = supabase.schema('cloud')",
      "await cloud.rpc('compare_prices', { gpu_model_filter: 'H100', match_count: 5 })",
      "await supabase.rpc('search_embeddings', { query: 'hours', domain: 'example.com' })",
      '```',
    ].join('\n')
    const { mentions, problems } = problemsIn('synthetic.md', md)
    expect(problems.map(format)).toEqual([])
    expect(mentions.map((m) => `${m.kind} ${m.schema}.${m.name}`)).toEqual([
      'signature billing.add_credit_entry', 'signature cloud.search_instances', 'signature sites.start_due_crawls',
      'signature sites.search_embeddings', 'signature sites.search_embeddings', 'call cloud.compare_prices', 'call public.search_embeddings',
    ])
  })
})

describe('README.md and docs/*.md', () => {
  const results = DOC_FILES.map((file) => problemsIn(file, readFileSync(join(ROOT, file), 'utf8')))

  it('name only RPCs that exist, with their real argument names', () => {
    expect(results.flatMap((r) => r.problems).map(format)).toEqual([])
  })

  it('document every RPC of the exposed schemas', () => {
    const documented = new Set(results.flatMap((r) => r.mentions).filter((m) => m.kind === 'signature').map((m) => `${m.schema}.${m.name}`))
    const all = [...functions].flatMap(([schema, byName]) =>
      [...byName].filter(([, overloads]) => !overloads.every(isComputedField)).map(([name]) => `${schema}.${name}`))
    expect(all.filter((rpc) => !documented.has(rpc)), 'add each to its docs/<domain>.md as `schema.function(arg type, ...)`').toEqual([])
  })
})
