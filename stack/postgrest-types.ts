// How the gateway's postgres.js client decodes column values, so that @supabase/lite answers with
// the values hosted PostgREST gives. PostgREST has PostgreSQL encode each row as JSON, so a client
// sees what `to_json(value)` gives: numeric, bigint and floats as JSON numbers (NaN and the
// infinities as strings), timestamps in ISO 8601 with a colon in the offset
// ("2026-12-01T19:15:29.672+00:00"), dates and times as their text. @supabase/lite 0.10 instead
// hands top-level values on as postgres.js returns them (numeric as a string unless it round-trips
// through a JS number, "0.016300" for 0.0163; timestamps as PostgreSQL's text output,
// "2026-12-01 19:15:29.672+00"); only embedded resources, built with json_agg, were right.
// postgres.js applies each parser to the elements of arrays of the type as well (date, time and
// timetz are listed only for the NULL elements of their arrays: their text is already to_json's).
// tests/stack/conformance-encoding.test.ts compares every type here with to_json on the same database.
import type postgres from 'postgres'

/** The numeric types' text as to_json writes it: a JSON number, or the string for NaN/±Infinity. */
function parseNumber(text: string): number | string {
  return /^-?\d/.test(text) ? Number(text) : text
}

// PostgreSQL's ISO DateStyle output, as postgres.js receives it: "2026-12-01 19:15:29.672+00",
// "... +05:30", "... +05:53:28" (historical offsets), "... BC", or "infinity"/"-infinity".
const TIMESTAMPTZ = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(:\d{2}(?::\d{2})?)?( BC)?$/
const TIMESTAMP = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)( BC)?$/

/** "2026-12-01 19:15:29.672+00" -> "2026-12-01T19:15:29.672+00:00", as to_json writes a timestamptz. */
function parseTimestamptz(text: string): string {
  const m = TIMESTAMPTZ.exec(text)
  return m ? `${m[1]}T${m[2]}${m[3]}${m[4] ?? ':00'}${m[5] ?? ''}` : text
}

/** "2026-12-01 19:15:29.5" -> "2026-12-01T19:15:29.5", as to_json writes a timestamp. */
function parseTimestamp(text: string): string {
  const m = TIMESTAMP.exec(text)
  return m ? `${m[1]}T${m[2]}${m[3] ?? ''}` : text
}

/**
 * @supabase/lite 0.10 hands RPC arguments for json/jsonb parameters to postgres.js already as JSON
 * text, and its own json serializer stringifies them again, so a function receives the JSON string
 * '"{\\"a\\":1}"' instead of the object {"a":1} (table writes are not affected). Text that is a JSON
 * object or array is therefore passed through as it is; anything else is serialized as before. The
 * cost: a jsonb *string* value whose text is itself a JSON object would be stored as that object.
 * tests/stack/studio-gateway.test.ts fails without this.
 */
function jsonType(oid: number): postgres.PostgresType {
  const isJsonContainer = (text: string) => {
    if (!/^\s*[[{]/.test(text)) return false
    try {
      return typeof JSON.parse(text) === 'object'
    } catch {
      return false
    }
  }
  return {
    to: oid,
    from: [oid],
    serialize: (value: unknown) => (typeof value === 'string' && isJsonContainer(value) ? value : JSON.stringify(value)),
    parse: (text: string) => JSON.parse(text),
  }
}

// Serializers stay those of @supabase/lite (values are written as they were); only decoding changes.
const identity = (value: unknown) => value as string
const text = (value: unknown) => String(value)

/**
 * postgres.js hands a NULL element of an array to the element parser as the text "NULL" (a NULL
 * value outside an array never reaches a parser); no value of these types has that text.
 */
function type(oids: number[], serialize: (value: unknown) => string, parse: (text: string) => unknown): postgres.PostgresType {
  return { to: oids[0], from: oids, serialize, parse: (t: string) => (t === 'NULL' ? null : parse(t)) }
}

/** postgres.js `types` for the gateway's connection; they replace lite's entries of the same name. */
export const postgrestTypes: Record<string, postgres.PostgresType> = {
  json: jsonType(114),
  jsonb: jsonType(3802),
  numeric: type([1700], text, parseNumber),
  bigint: type([20], text, parseNumber),
  float: type([701, 700], text, parseNumber),
  timestamptz: type([1184], identity, parseTimestamptz),
  timestamp: type([1114], identity, parseTimestamp),
  date: type([1082], identity, (t) => t),
  time: type([1083], identity, (t) => t),
  timetz: type([1266], identity, (t) => t),
}
