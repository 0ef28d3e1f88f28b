// Bring-your-own provider keys. The key is sealed here (AES-256-GCM, CREDENTIALS_ENCRYPTION_KEY) and
// stored with its last 4 characters; clients can never read or write studio.api_keys.api_key_encrypted,
// so this is the only way in. Listing and deleting run as the user (RLS).
import type { z } from 'zod'
import type { AuthClaims } from '../_shared/auth.ts'
import { db, withRole } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'
import { open, type SealedSecret, seal } from '../_shared/secrets.ts'
import type { ApiKeyBody } from './schemas.ts'

const PUBLIC_COLUMNS = 'id, name, provider, key_last4, is_active, last_used_at, expires_at, created_at'

export async function listApiKeys(claims: AuthClaims) {
  return await withRole('authenticated', claims, (sql) =>
    sql.unsafe(`select ${PUBLIC_COLUMNS} from studio.api_keys where user_id = auth.uid() order by created_at`))
}

export async function createApiKey(claims: AuthClaims, body: z.infer<typeof ApiKeyBody>, headers: Record<string, string>) {
  const sealed = await seal(body.api_key)
  try {
    // Written with the function's rights (clients hold no INSERT on api_keys), with the user's claims
    // and the request headers set so the audit row names the actor, the IP and the user agent.
    return await db().begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ ...claims, role: 'authenticated' })}, true),
                      set_config('request.jwt.claim.sub', ${claims.sub!}, true),
                      set_config('request.jwt.claim.role', 'authenticated', true),
                      set_config('request.headers', ${JSON.stringify(headers)}, true)`
      const [row] = await tx`
        insert into studio.api_keys (user_id, name, provider, api_key_encrypted, key_last4, expires_at)
        values (${claims.sub!}, ${body.name}, ${body.provider}, ${tx.json({ ...sealed })}, ${body.api_key.slice(-4)}, ${body.expires_at ?? null})
        returning ${tx.unsafe(PUBLIC_COLUMNS)}`
      return row
    })
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new ApiError(409, 'api_key_name_taken', `You already have a key named "${body.name}"`)
    }
    throw error
  }
}

export async function deleteApiKey(claims: AuthClaims, id: string, headers: Record<string, string>) {
  const deleted = await withRole('authenticated', claims, async (sql) => {
    await sql`select set_config('request.headers', ${JSON.stringify(headers)}, true)`
    return await sql`delete from studio.api_keys where id = ${id} returning id`
  })
  if (deleted.length === 0) throw new ApiError(404, 'api_key_not_found', `No API key ${id}`)
  return { deleted: id }
}

export interface ModelKey {
  apiKey: string
  source: 'user' | 'platform'
  keyId?: string
  keyName?: string
}

/**
 * The key a generation runs on: the user's newest active, unexpired OpenAI key, else the platform's
 * OPENAI_API_KEY; with neither, 503 no_model_key.
 */
export async function modelKey(userId: string, platformKey: string | undefined): Promise<ModelKey> {
  const [row] = await db()<{ id: string; name: string; api_key_encrypted: SealedSecret }[]>`
    select id, name, api_key_encrypted from studio.api_keys
    where user_id = ${userId} and provider = 'openai' and is_active and (expires_at is null or expires_at > now())
    order by created_at desc, id
    limit 1`
  if (row) return { apiKey: await open<string>(row.api_key_encrypted), source: 'user', keyId: row.id, keyName: row.name }
  if (platformKey) return { apiKey: platformKey, source: 'platform' }
  throw new ApiError(503, 'no_model_key', 'No model key is available: add your own OpenAI key (POST /studio/api-keys) or have OPENAI_API_KEY configured')
}
