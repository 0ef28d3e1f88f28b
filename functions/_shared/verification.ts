// One-time codes for site visitors (chat order access, privacy requests): 6 digits, mailed, stored
// only as SHA-256 in sites.customer_verifications, 5 attempts, 15 minutes.
import { db } from './db.ts'
import { ApiError } from './errors.ts'
import { sha256Hex } from './hash.ts'
import { sendMail } from './mail.ts'

export const CODE_TTL_MINUTES = 15

function oneTimeCode(): string {
  return String(crypto.getRandomValues(new Uint32Array(1))[0] % 1_000_000).padStart(6, '0')
}

export async function startEmailVerification(options: {
  domainId: string
  domain: string
  email: string
  purpose: 'order_access' | 'privacy_request'
  sessionId?: string
}): Promise<string> {
  const code = oneTimeCode()
  const [row] = await db()<{ id: string }[]>`
    insert into sites.customer_verifications (domain_id, email, purpose, method, code_hash, session_id, expires_at)
    values (${options.domainId}, ${options.email.toLowerCase()}, ${options.purpose}, 'email_code', ${await sha256Hex(code)},
            ${options.sessionId ?? null}, now() + make_interval(mins => ${CODE_TTL_MINUTES}))
    returning id`
  await sendMail({
    to: options.email,
    subject: `Your verification code for ${options.domain}`,
    text: `Your code is ${code}. It expires in ${CODE_TTL_MINUTES} minutes. If you did not ask for it, ignore this message.`,
  })
  return row.id
}

const OUTCOME_STATUS = { wrong_code: 400, expired: 410, too_many_attempts: 429, not_found: 404 } as const

/** Checks a code; throws a 4xx with the outcome as its code unless it verifies. */
export async function confirmVerification(verificationId: string, code: string): Promise<void> {
  const [{ outcome }] = await db()<{ outcome: string }[]>`select sites.check_verification(${verificationId}, ${await sha256Hex(code)}) as outcome`
  if (outcome === 'verified') return
  const status = OUTCOME_STATUS[outcome as keyof typeof OUTCOME_STATUS] ?? 400
  throw new ApiError(status, outcome, `Verification failed: ${outcome.replaceAll('_', ' ')}`)
}
