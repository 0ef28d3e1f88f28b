// Where the docs name an RPC, and whether each mention matches the database. The forms (documented in
// docs/testing.md, "Documented RPCs"):
//   1. a code span `schema.function(arg type, arg? type, ...)`: schema-qualified, each argument by its
//      real name, `?` after one that has a default, the SQL type optional, `...` for optional arguments
//      left out. Every argument without a default must be listed.
//   2. a code span `function(...)` naming an RPC without its schema is refused: the reader cannot tell
//      which schema (billing.record_usage and studio.record_usage both exist).
//   3. `.rpc('name', { arg: ... })` in a ts/js code block or code span: the schema is the one chosen
//      with `.schema('x')` on the same expression (or on the variable it is called on), else public;
//      the object's keys must be arguments of the function, and include every required one.
import ts from 'typescript'
import { type DatabaseFunctions, type FunctionOverload, isComputedField, normaliseSqlType, type SqlArg } from './database-functions.ts'

export interface Location {
  file: string
  line: number
}

export interface SignatureMention extends Location {
  kind: 'signature'
  text: string
  schema: string
  name: string
  args: { name: string; optional: boolean; type?: string }[]
}

export interface RpcCallMention extends Location {
  kind: 'call'
  text: string
  schema: string
  name: string
  /** undefined when the arguments are not an object literal (nothing to check). */
  args?: string[]
}

export interface Problem extends Location {
  message: string
}

interface Snippet extends Location {
  text: string
}

const LINE = /\r?\n/

/** Fenced code blocks (with their info string) and the text outside them, line numbers kept. */
function splitFences(text: string): { prose: string; blocks: (Snippet & { lang: string })[] } {
  const lines = text.split(LINE)
  const prose: string[] = []
  const blocks: (Snippet & { lang: string })[] = []
  let fence: { marker: string; lang: string; start: number; body: string[] } | undefined
  lines.forEach((line, i) => {
    const match = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/.exec(line)
    if (!fence && match) {
      fence = { marker: match[1], lang: match[2].toLowerCase(), start: i + 2, body: [] }
      prose.push('')
    } else if (fence && match && match[1][0] === fence.marker[0] && match[1].length >= fence.marker.length && line.trim() === match[1]) {
      blocks.push({ file: '', line: fence.start, lang: fence.lang, text: fence.body.join('\n') })
      fence = undefined
      prose.push('')
    } else if (fence) {
      fence.body.push(line)
      prose.push('')
    } else {
      prose.push(line)
    }
  })
  return { prose: prose.join('\n'), blocks }
}

/** CommonMark code spans: a run of n backticks up to the next run of exactly n, within one paragraph. */
export function codeSpans(prose: string): Snippet[] {
  const spans: Snippet[] = []
  let i = 0
  while (i < prose.length) {
    if (prose[i] === '\\' && prose[i + 1] === '`') {
      i += 2
      continue
    }
    if (prose[i] !== '`') {
      i++
      continue
    }
    let n = 0
    while (prose[i + n] === '`') n++
    const closing = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, 'g')
    closing.lastIndex = i + n
    const end = closing.exec(prose)
    const content = end ? prose.slice(i + n, end.index) : undefined
    if (!end || content === undefined || /\n[ \t]*\n/.test(content)) {
      i += n
      continue
    }
    let text = content.replace(/\r?\n/g, ' ').replaceAll('\\|', '|')
    if (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') text = text.slice(1, -1)
    spans.push({ file: '', line: prose.slice(0, i).split('\n').length, text })
    i = end.index + n
  }
  return spans
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*'
const QUALIFIED_CALL = new RegExp(`^(${IDENT})\\.(${IDENT})\\(([\\s\\S]*)\\)$`)
const BARE_CALL = new RegExp(`^(${IDENT})\\(([\\s\\S]*)\\)$`)
/** `name`, `name?`, `name type`, `name? type`; a type is words, dots, an optional (n[, m]) and []. */
const ARG = /^([a-z_][a-z0-9_]*)(\?)?(?:\s+([A-Za-z][A-Za-z0-9_. ]*?(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?(?:\[\])?))?$/
const ELLIPSIS = /^(\.\.\.|…)$/
const CODE_LANGS = new Set(['ts', 'typescript', 'js', 'javascript', 'tsx', 'jsx', 'mjs'])

function stringValue(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined
}

/** The schema a `.rpc()` receiver was narrowed to with `.schema('x')`, else public. */
function receiverSchema(receiver: ts.Expression, source: ts.SourceFile): string {
  let node: ts.Node = receiver
  while (ts.isParenthesizedExpression(node) || ts.isAwaitExpression(node) || ts.isNonNullExpression(node)) node = node.expression
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'schema') {
    return stringValue(node.arguments[0]) ?? 'public'
  }
  if (ts.isIdentifier(node)) {
    const name = node.text
    let found: string | undefined
    const visit = (n: ts.Node) => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer) {
        found = receiverSchema(n.initializer, source)
      }
      ts.forEachChild(n, visit)
    }
    visit(source)
    if (found) return found
  }
  return 'public'
}

/** `.rpc('name', {...})` calls in TypeScript/JavaScript text. */
function rpcCalls(snippet: Snippet): RpcCallMention[] {
  const source = ts.createSourceFile('snippet.ts', snippet.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const calls: RpcCallMention[] = []
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'rpc') {
      const name = stringValue(node.arguments[0])
      if (name !== undefined) {
        const params = node.arguments[1]
        let args: string[] | undefined = []
        if (params && ts.isObjectLiteralExpression(params)) {
          for (const p of params.properties) {
            if ((ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) {
              args.push(p.name.text)
            } else {
              args = undefined // a spread or computed key: cannot tell
              break
            }
          }
        } else if (params) {
          args = undefined
        }
        const line = snippet.line + source.getLineAndCharacterOfPosition(node.getStart(source)).line
        calls.push({ kind: 'call', file: snippet.file, line, text: node.getText(source), schema: receiverSchema(node.expression.expression, source), name, args })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return calls
}

/** Every RPC mention in one Markdown file, and the mentions that are not in a checkable form. */
export function findRpcMentions(file: string, markdown: string, functions: DatabaseFunctions): { mentions: (SignatureMention | RpcCallMention)[]; problems: Problem[] } {
  const { prose, blocks } = splitFences(markdown)
  const mentions: (SignatureMention | RpcCallMention)[] = []
  const problems: Problem[] = []
  const rpcNames = new Set([...functions.values()].flatMap((byName) => [...byName].filter(([, o]) => !o.every(isComputedField)).map(([name]) => name)))

  for (const span of codeSpans(prose)) {
    const at = { file, line: span.line }
    const text = span.text.trim()
    if (text.includes('.rpc(')) {
      mentions.push(...rpcCalls({ ...at, text }))
      continue
    }
    const qualified = QUALIFIED_CALL.exec(text)
    if (qualified && functions.has(qualified[1])) {
      const [, schema, name, list] = qualified
      const args: SignatureMention['args'] = []
      let malformed: string | undefined
      for (const item of list.split(',').map((a) => a.trim()).filter((a) => a !== '')) {
        if (ELLIPSIS.test(item)) continue
        const arg = ARG.exec(item)
        if (!arg) {
          malformed = item
          break
        }
        args.push({ name: arg[1], optional: arg[2] === '?', type: arg[3]?.trim() })
      }
      if (malformed !== undefined) {
        problems.push({ ...at, message: `\`${text}\`: "${malformed}" is not an argument; write RPCs as \`${schema}.${name}(arg type, arg? type, ...)\`` })
      } else {
        mentions.push({ kind: 'signature', ...at, text, schema, name, args })
      }
      continue
    }
    const bare = BARE_CALL.exec(text)
    if (bare && rpcNames.has(bare[1])) {
      const schemas = [...functions].filter(([, byName]) => byName.has(bare[1])).map(([schema]) => `${schema}.${bare[1]}`)
      problems.push({ ...at, message: `\`${text}\` names an RPC without its schema: write ${schemas.map((s) => `\`${s}(...)\``).join(' or ')}` })
    }
  }
  for (const block of blocks) {
    if (CODE_LANGS.has(block.lang)) mentions.push(...rpcCalls({ file, line: block.line, text: block.text }))
  }
  return { mentions, problems }
}

function renderSignature(schema: string, name: string, overload: FunctionOverload, sql: SqlArg[][] | undefined): string {
  const names = new Set(overload.args.map((a) => a.name))
  const sqlArgs = sql?.find((args) => args.length === names.size && args.every((a) => names.has(a.name)))
  const args = sqlArgs
    ? sqlArgs.map((a) => `${a.name}${a.hasDefault ? '?' : ''} ${a.type}`)
    : overload.args.map((a) => `${a.name}${a.optional ? '?' : ''}`)
  return `\`${schema}.${name}(${args.join(', ')})\``
}

/** What is wrong with one mention, checked against the generated types and the schema of record. */
export function checkMention(mention: SignatureMention | RpcCallMention, functions: DatabaseFunctions, sql: Map<string, SqlArg[][]>): Problem[] {
  const at = { file: mention.file, line: mention.line }
  const qualified = `${mention.schema}.${mention.name}`
  const all = functions.get(mention.schema)?.get(mention.name) ?? []
  const overloads = all.filter((o) => !isComputedField(o))
  if (!functions.has(mention.schema)) return [{ ...at, message: `\`${mention.text}\`: schema ${mention.schema} is not exposed (not in types/database.ts)` }]
  if (all.length > 0 && overloads.length === 0) {
    return [{ ...at, message: `\`${mention.text}\`: ${qualified} is a computed field: it is read as a column (select('*, ${mention.name}')), not called` }]
  }
  if (overloads.length === 0) return [{ ...at, message: `\`${mention.text}\`: there is no RPC ${qualified} in types/database.ts` }]
  const real = overloads.map((o) => renderSignature(mention.schema, mention.name, o, sql.get(qualified))).join(' or ')

  if (mention.kind === 'call') {
    if (!mention.args) return []
    const given = new Set(mention.args)
    const fits = overloads.some((o) => mention.args!.every((a) => o.args.some((x) => x.name === a)) && o.args.every((x) => x.optional || given.has(x.name)))
    return fits ? [] : [{ ...at, message: `\`${mention.text}\`: arguments {${mention.args.join(', ')}} do not fit ${real}` }]
  }

  const documented = new Map(mention.args.map((a) => [a.name, a]))
  const overload = overloads.find((o) => mention.args.every((a) => o.args.some((x) => x.name === a.name)) && o.args.every((x) => x.optional || documented.has(x.name)))
  if (!overload) return [{ ...at, message: `\`${mention.text}\`: the arguments are ${real}` }]
  const problems: Problem[] = []
  for (const arg of mention.args) {
    const actual = overload.args.find((x) => x.name === arg.name)!
    if (actual.optional !== arg.optional) {
      problems.push({ ...at, message: `\`${mention.text}\`: ${arg.name} ${actual.optional ? 'has a default: write it as ' + arg.name + '?' : 'is required: drop the ?'} (the arguments are ${real})` })
    }
  }
  if (mention.args.some((a) => a.type)) {
    const names = new Set(overload.args.map((a) => a.name))
    const sqlArgs = sql.get(qualified)?.find((args) => args.length === names.size && args.every((a) => names.has(a.name)))
    if (!sqlArgs) {
      problems.push({ ...at, message: `\`${mention.text}\`: docs/schema/${mention.schema}.sql has no ${qualified} with these arguments (run \`npm run schema:docs\`)` })
    } else {
      for (const arg of mention.args) {
        const actual = sqlArgs.find((a) => a.name === arg.name)!
        if (arg.type && normaliseSqlType(arg.type) !== normaliseSqlType(actual.type)) {
          problems.push({ ...at, message: `\`${mention.text}\`: ${arg.name} is ${actual.type}, not ${arg.type}` })
        }
      }
    }
  }
  return problems
}
