// Request validation with zod: bad input is a 400 with a stable code, never a 500.
import type { Context } from 'hono'
import type { z } from 'zod'
import { ApiError } from './errors.ts'

export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    throw new ApiError(400, 'invalid_request', parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '))
  }
  return parsed.data
}

/** The JSON body ({} when empty); 400 invalid_json when it does not parse. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (!text.trim()) return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid JSON')
  }
}
