// Hosted Supabase projects run PostgreSQL 15 and 17, so no migration (and no SQL a function sends)
// may use a feature that PostgreSQL 15 lacks. Bookworm's PostgreSQL 15 has no pgvector package, so
// the suite cannot run on 15 here: instead every migration and function is scanned for the
// documented list of 16+ features below (keep it in step with the PostgreSQL release notes), and
// the migrated database is checked for calls to them. Exceptions are listed with what undoes them.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../../stack/config.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

/** PostgreSQL features newer than 15: [what, first version, pattern on SQL without comments]. */
export const NEWER_THAN_15: [string, number, RegExp][] = [
  ['pg_input_is_valid / pg_input_error_info', 16, /\bpg_input_(is_valid|error_info)\s*\(/i],
  ['any_value aggregate', 16, /\bany_value\s*\(/i],
  ['SQL/JSON constructors json_array / json_arrayagg / json_objectagg', 16, /\bjson_(array|arrayagg|objectagg)\s*\(/i],
  ['SQL/JSON json_object(k VALUE v | k: v)', 16, /\bjson_object\s*\([^()]*(\bvalue\b|:(?!:))/i],
  ['IS JSON predicate', 16, /\bis\s+(not\s+)?json\b/i],
  ['json_scalar / json_serialize', 16, /\bjson_(scalar|serialize)\s*\(/i],
  ['JSON_TABLE, json_exists / json_query / json_value', 17, /\bjson_(table|exists|query|value)\s*\(/i],
  ['MERGE ... RETURNING merge_action()', 17, /\bmerge_action\s*\(/i],
  ['underscores in numeric literals', 16, /(?<![\w.$'])\d+(_\d+)+(?![\w'])/],
  ['hexadecimal, octal, binary integer literals', 16, /(?<![\w.$'])0[xob][0-9a-f]+(?![\w'])/i],
  ['random_normal', 16, /\brandom_normal\s*\(/i],
  ['array_sample / array_shuffle', 16, /\barray_(sample|shuffle)\s*\(/i],
  ['date_add / date_subtract', 16, /\bdate_(add|subtract)\s*\(/i],
  ['SYSTEM_USER', 16, /\bsystem_user\b/i],
  ['GRANT ... WITH INHERIT | SET option', 16, /\bgrant\b[^;]*\bwith\s+(inherit|set)\s+(true|false|option)\b/i],
  ['pg_create_subscription / pg_use_reserved_connections roles', 16, /\bpg_(create_subscription|use_reserved_connections)\b/i],
  ['to_bin / to_oct', 17, /\bto_(bin|oct)\s*\(/i],
  ['uuid_extract_version / uuid_extract_timestamp', 17, /\buuid_extract_(version|timestamp)\s*\(/i],
  ['ALTER TABLE ... SET EXPRESSION', 17, /\bset\s+expression\s+as\b/i],
  ['COPY ... ON_ERROR', 17, /\bcopy\b[^;]*\bon_error\b/i],
  ['MAINTAIN privilege / pg_maintain', 17, /\b(grant|revoke)\s+maintain\b|\bpg_maintain\b/i],
  ['pg_stat_checkpointer', 17, /\bpg_stat_checkpointer\b/i],
  ['uuidv4() / uuidv7()', 18, /\buuidv[47]\s*\(/i],
  ['virtual generated columns', 18, /\bgenerated\s+always\s+as\s*\([^;]*\)\s*virtual\b/i],
  ['casefold / array_reverse / array_sort / crc32 / reverse(bytea)', 18, /\b(casefold|array_reverse|array_sort|crc32c?)\s*\(/i],
  ['OLD / NEW in RETURNING', 18, /\breturning\b[^;]*\b(old|new)\s*\.\s*\w+[^;]*$/im],
]

/**
 * Landed migrations that use a 16+ feature and cannot be edited, with the migrations that make them
 * work on 15 (a stand-in created first on 15 only, then the uses replaced and the stand-in dropped).
 */
const EXCEPTIONS: Record<string, { feature: string; undoneBy: string[] }> = {
  '20261122060000_studio_schema.sql': { feature: 'pg_input_is_valid / pg_input_error_info', undoneBy: ['20261122055900_shared_pg15_input_validation.sql', '20261201010200_studio_portable_input_checks.sql'] },
  '20261122060200_studio_limits_audit.sql': { feature: 'pg_input_is_valid / pg_input_error_info', undoneBy: ['20261122055900_shared_pg15_input_validation.sql', '20261201010200_studio_portable_input_checks.sql'] },
  // The stand-in itself (created on PostgreSQL < 16 only), and the migration that drops it.
  '20261122055900_shared_pg15_input_validation.sql': { feature: 'pg_input_is_valid / pg_input_error_info', undoneBy: ['20261201010200_studio_portable_input_checks.sql'] },
  '20261201010200_studio_portable_input_checks.sql': { feature: 'pg_input_is_valid / pg_input_error_info', undoneBy: [] },
}

/** The SQL inside a TypeScript file: template literals that start like a statement. */
export function sqlInTypeScript(source: string): string {
  return [...source.matchAll(/`([^`]*)`/g)]
    .map((m) => m[1])
    .filter((text) => /^\s*(select|insert|update|delete|with|create|alter|grant|revoke|drop|begin|do|set|reset|comment)\b/i.test(text))
    .map((text) => text.replace(/\$\{[^}]*\}/g, '$1'))
    .join(';\n')
}

/** SQL without -- and /* *\/ comments (string literals kept; a `--` inside one is rare enough here). */
export function stripComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, '')
}

export function findNewerFeatures(sql: string): { feature: string; version: number; line: number; text: string }[] {
  const clean = stripComments(sql)
  const found = []
  for (const [feature, version, pattern] of NEWER_THAN_15) {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)
    for (const match of clean.matchAll(global)) {
      const line = clean.slice(0, match.index).split('\n').length
      found.push({ feature, version, line, text: match[0].slice(0, 80) })
    }
  }
  return found
}

const listFiles = (dir: string, ext: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => join(e.parentPath, e.name))

describe('no PostgreSQL 16+ feature where PostgreSQL 15 runs it', () => {
  it('the scanner finds each listed feature (so a clean scan means something)', () => {
    const samples: Record<string, string> = {
      'pg_input_is_valid / pg_input_error_info': `check (pg_input_is_valid(x, 'jsonb'))`,
      'any_value aggregate': 'select any_value(name) from t group by id',
      'SQL/JSON json_object(k VALUE v | k: v)': `select json_object('a' value 1)`,
      'IS JSON predicate': 'select x is json from t',
      'underscores in numeric literals': 'select 1_000_000',
      'hexadecimal, octal, binary integer literals': 'select 0x1F',
      'GRANT ... WITH INHERIT | SET option': 'grant admin to bob with inherit true',
      'JSON_TABLE, json_exists / json_query / json_value': `select json_value(j, '$.a') from t`,
      'MERGE ... RETURNING merge_action()': 'merge into t using s on true when matched then delete returning merge_action()',
    }
    for (const [feature, sql] of Object.entries(samples)) expect(findNewerFeatures(sql).map((f) => f.feature)).toContain(feature)
    // Look-alikes that PostgreSQL 15 has.
    const fine = `select json_object('{a,1}'), json_build_object('a', 1), json_array_length(j), row_to_json(r), 'a_1_2', v_1, x::jsonb
                  from t -- any_value(x) in a comment
                  /* pg_input_is_valid(x, 'int') in a block comment */ where id = 20261122060000 and merge_it(1)`
    expect(findNewerFeatures(fine)).toEqual([])
    expect(findNewerFeatures(sqlInTypeScript('const n = 10_000; await sql`select any_value(x) from t where id = ${n}`'))).toHaveLength(1)
  })

  it('migrations use none, except landed ones that later migrations make work on 15', () => {
    const dir = join(ROOT, 'migrations')
    const offending: string[] = []
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
      for (const f of findNewerFeatures(readFileSync(join(dir, file), 'utf8'))) {
        const exception = EXCEPTIONS[file]
        if (exception?.feature === f.feature && exception.undoneBy.every((m) => readdirSync(dir).includes(m))) continue
        offending.push(`${file}:${f.line}: ${f.feature} (PostgreSQL ${f.version}+): ${f.text}`)
      }
    }
    expect(offending).toEqual([])
  })

  it('SQL the functions and the stack send uses none', () => {
    const sources = [...listFiles(join(ROOT, 'functions'), '.ts'), ...listFiles(join(ROOT, 'stack'), '.ts')]
      .map((file) => ({ file, sql: sqlInTypeScript(readFileSync(file, 'utf8')) }))
      .concat(listFiles(join(ROOT, 'stack'), '.sql').map((file) => ({ file, sql: readFileSync(file, 'utf8') })))
    expect(sources.filter((s) => s.sql.length > 0).length).toBeGreaterThan(20) // the extraction finds the functions' SQL
    const offending = sources.flatMap(({ file, sql }) => findNewerFeatures(sql).map((f) => `${file.slice(ROOT.length + 1)}: ${f.feature}: ${f.text}`))
    expect(offending).toEqual([])
  })
})

describe('the migrated database calls no PostgreSQL 16+ function', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await startTestDatabase()
  })
  afterAll(async () => {
    await db?.stop()
  })

  it('in function bodies, constraints, defaults, views or policies', async () => {
    const { rows } = await db.sql.query<{ kind: string; name: string; definition: string }>(`
      select 'function' as kind, p.oid::regprocedure::text as name, p.prosrc as definition from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname not in ('pg_catalog', 'information_schema', 'extensions', 'tests') and n.nspname not like 'pg\\_%'
      union all
      select 'constraint', c.conrelid::regclass::text || '.' || c.conname, pg_get_constraintdef(c.oid) from pg_constraint c where c.conrelid <> 0
      union all
      select 'default', d.adrelid::regclass::text, pg_get_expr(d.adbin, d.adrelid) from pg_attrdef d
      union all
      select 'view', c.oid::regclass::text, pg_get_viewdef(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('v', 'm') and n.nspname not in ('pg_catalog', 'information_schema')
      union all
      select 'policy', pol.polrelid::regclass::text || '.' || pol.polname, coalesce(pg_get_expr(pol.polqual, pol.polrelid), '') || ' ' || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '')
        from pg_policy pol`)
    const offending = rows.flatMap((r) => findNewerFeatures(r.definition).map((f) => `${r.kind} ${r.name}: ${f.feature}: ${f.text}`))
    expect(offending).toEqual([])
  })
})
