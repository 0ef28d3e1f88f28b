// What `supabase status` prints, for the local stack: URLs and keys (the keys derived from the JWT
// secret). Light on purpose: `npm run status` imports this, not the whole stack.
import { localDbUrl, type StackSettings } from './config.ts'
import { signRoleKey } from './keys.ts'

export interface StackStatus {
  API_URL: string
  REST_URL: string
  FUNCTIONS_URL: string
  DB_URL: string
  ANON_KEY: string
  SERVICE_ROLE_KEY: string
  PUBLISHABLE_KEY: string
  SECRET_KEY: string
  JWT_SECRET: string
}

export async function stackStatus(settings: StackSettings, apiPort = settings.apiPort, dbUrl = localDbUrl(settings)): Promise<StackStatus> {
  const apiUrl = `http://${settings.host}:${apiPort}`
  return {
    API_URL: apiUrl,
    REST_URL: `${apiUrl}/rest/v1`,
    FUNCTIONS_URL: `${apiUrl}/functions/v1`,
    DB_URL: dbUrl,
    ANON_KEY: await signRoleKey('anon', settings.jwtSecret),
    SERVICE_ROLE_KEY: await signRoleKey('service_role', settings.jwtSecret),
    PUBLISHABLE_KEY: settings.publishableKey,
    SECRET_KEY: settings.secretKey,
    JWT_SECRET: settings.jwtSecret,
  }
}

export function formatStatusEnv(status: StackStatus): string {
  return Object.entries(status)
    .map(([k, v]) => `${k}="${v}"`)
    .join('\n')
}
