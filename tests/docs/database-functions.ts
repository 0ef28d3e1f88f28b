// The RPCs the database really has, for checking the docs against:
// - names and arguments from types/database.ts (`Database[schema]['Functions'][name]['Args']`, the
//   generated types supabase-js is typed with), read with the TypeScript compiler API;
// - SQL argument types from the schema of record, docs/schema/<schema>.sql (pg_dump's
//   `CREATE FUNCTION schema.name(arg type [DEFAULT ...], ...)` lines).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'

export interface FunctionArg {
  name: string
  optional: boolean
}

/** One callable form of a function (overloads have several). */
export interface FunctionOverload {
  args: FunctionArg[]
  /** A computed field: a function of one table row, read as a column (`select('*, nodes')`), not called. */
  computedField: boolean
}

/** schema -> function name -> overloads. */
export type DatabaseFunctions = Map<string, Map<string, FunctionOverload[]>>

function memberName(name: ts.PropertyName): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text
  throw new Error(`unsupported property name ${name.getText()}`)
}

function property(type: ts.TypeNode, name: string): ts.TypeNode | undefined {
  if (!ts.isTypeLiteralNode(type)) return undefined
  for (const member of type.members) {
    if (ts.isPropertySignature(member) && memberName(member.name) === name) return member.type
  }
  return undefined
}

function unwrap(type: ts.TypeNode): ts.TypeNode {
  return ts.isParenthesizedTypeNode(type) ? unwrap(type.type) : type
}

/** `{ a: T; b?: U }` -> a, b?; `Record<PropertyKey, never>` (no arguments) -> []. */
function argsOf(type: ts.TypeNode, where: string): FunctionArg[] {
  type = unwrap(type)
  if (ts.isTypeLiteralNode(type)) {
    return type.members.map((member) => {
      if (!ts.isPropertySignature(member)) throw new Error(`${where}: unexpected member ${member.getText()}`)
      return { name: memberName(member.name), optional: member.questionToken !== undefined }
    })
  }
  if (ts.isTypeReferenceNode(type) && type.typeName.getText() === 'Record' && type.typeArguments?.[1]?.kind === ts.SyntaxKind.NeverKeyword) {
    return []
  }
  throw new Error(`${where}: unsupported Args type ${type.getText()}`)
}

/** Names in a table's or view's `ComputedFields: 'a' | 'b'` (the generated types list computed fields there). */
function computedFieldNames(schemaType: ts.TypeNode): Set<string> {
  const names = new Set<string>()
  for (const group of ['Tables', 'Views']) {
    const relations = property(schemaType, group)
    if (!relations || !ts.isTypeLiteralNode(relations)) continue
    for (const relation of relations.members) {
      if (!ts.isPropertySignature(relation) || !relation.type) continue
      const computed = property(relation.type, 'ComputedFields')
      if (!computed) continue
      for (const literal of ts.isUnionTypeNode(computed) ? computed.types : [computed]) {
        if (ts.isLiteralTypeNode(literal) && ts.isStringLiteral(literal.literal)) names.add(literal.literal.text)
      }
    }
  }
  return names
}

/** Every function of every schema in the generated types. */
export function readDatabaseFunctions(typesFile: string): DatabaseFunctions {
  const source = ts.createSourceFile(typesFile, readFileSync(typesFile, 'utf8'), ts.ScriptTarget.Latest, true)
  const database = source.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === 'Database')
  if (!database || !ts.isTypeLiteralNode(database.type)) throw new Error(`${typesFile}: no \`export type Database = { ... }\``)
  const result: DatabaseFunctions = new Map()
  for (const schemaMember of database.type.members) {
    if (!ts.isPropertySignature(schemaMember) || !schemaMember.type) continue
    const schema = memberName(schemaMember.name)
    const functions = property(schemaMember.type, 'Functions')
    if (!functions) continue // __InternalSupabase
    const computed = computedFieldNames(schemaMember.type)
    const byName = new Map<string, FunctionOverload[]>()
    if (ts.isTypeLiteralNode(functions)) {
      for (const fn of functions.members) {
        if (!ts.isPropertySignature(fn) || !fn.type) continue
        const name = memberName(fn.name)
        const forms = ts.isUnionTypeNode(unwrap(fn.type)) ? (unwrap(fn.type) as ts.UnionTypeNode).types : [fn.type]
        byName.set(
          name,
          forms.map((form) => {
            const args = property(unwrap(form), 'Args')
            if (!args) throw new Error(`${typesFile}: ${schema}.${name} has no Args`)
            const parsed = argsOf(args, `${schema}.${name}`)
            return { args: parsed, computedField: computed.has(name) && parsed.length === 1 }
          }),
        )
      }
    } // else `{ [_ in never]: never }`: no functions
    result.set(schema, byName)
  }
  return result
}

export function isComputedField(overload: FunctionOverload): boolean {
  return overload.computedField
}

export interface SqlArg {
  name: string
  type: string
  hasDefault: boolean
}

/** Splits at commas outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === "'") quoted = !quoted
    else if (quoted) continue
    else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts.map((p) => p.trim()).filter((p) => p !== '')
}

/** The argument list of `name(...)` starting at the opening parenthesis. */
function parenthesised(text: string, open: number): string {
  let depth = 0
  let quoted = false
  for (let i = open; i < text.length; i++) {
    const ch = text[i]
    if (ch === "'") quoted = !quoted
    else if (quoted) continue
    else if (ch === '(') depth++
    else if (ch === ')' && --depth === 0) return text.slice(open + 1, i)
  }
  throw new Error(`unbalanced parentheses in ${text.slice(0, 200)}`)
}

/** `schema.name` -> the input arguments of each overload, as pg_dump writes them in docs/schema/<schema>.sql. */
export function readSqlSignatures(schemaDir: string, schemas: Iterable<string>): Map<string, SqlArg[][]> {
  const result = new Map<string, SqlArg[][]>()
  for (const schema of schemas) {
    const file = join(schemaDir, `${schema}.sql`)
    if (!existsSync(file)) continue
    const text = readFileSync(file, 'utf8')
    const create = new RegExp(`^CREATE FUNCTION ${schema}\\.("?)([a-z_][a-z0-9_]*)\\1\\(`, 'gm')
    for (const match of text.matchAll(create)) {
      const open = match.index + match[0].length - 1
      const args = splitTopLevel(parenthesised(text, open)).flatMap((raw): SqlArg[] => {
        let rest = raw
        const mode = /^(IN|OUT|INOUT|VARIADIC)\s+/.exec(rest)
        if (mode) rest = rest.slice(mode[0].length)
        if (mode?.[1] === 'OUT') return []
        const nameMatch = /^("[^"]+"|[a-z_][a-z0-9_$]*)\s+/.exec(rest)
        if (!nameMatch) throw new Error(`${file}: unnamed argument "${raw}" of ${schema}.${match[2]}`)
        rest = rest.slice(nameMatch[0].length)
        const defaultAt = rest.search(/\s+DEFAULT\s+/)
        return [{
          name: nameMatch[1].replaceAll('"', ''),
          type: (defaultAt < 0 ? rest : rest.slice(0, defaultAt)).trim(),
          hasDefault: defaultAt >= 0,
        }]
      })
      const key = `${schema}.${match[2]}`
      result.set(key, [...(result.get(key) ?? []), args])
    }
  }
  return result
}

const TYPE_ALIASES: Record<string, string> = {
  int: 'integer',
  int4: 'integer',
  int8: 'bigint',
  int2: 'smallint',
  float8: 'double precision',
  float4: 'real',
  bool: 'boolean',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  varchar: 'character varying',
  char: 'character',
  bpchar: 'character',
  vector: 'extensions.vector',
}

/** One spelling per SQL type: aliases resolved, lengths and dimensions dropped, case folded. */
export function normaliseSqlType(type: string): string {
  const array = type.trim().endsWith('[]')
  const base = type
    .trim()
    .replace(/\[\]$/, '')
    .replace(/\(\s*\d+(\s*,\s*\d+)?\s*\)/, '')
    .replace(/\s+/g, ' ')
    .toLowerCase()
  return (TYPE_ALIASES[base] ?? base) + (array ? '[]' : '')
}
