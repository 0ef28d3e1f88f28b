// Outgoing mail through an adapter: MAIL_WEBHOOK_URL (a JSON POST {to, subject, text} to your mail
// service or relay, Bearer MAIL_WEBHOOK_TOKEN) when set; otherwise the message is logged to the
// console, which is what local development wants.
import { env } from './env.ts'

export interface MailMessage {
  to: string
  subject: string
  text: string
}

export async function sendMail(message: MailMessage): Promise<void> {
  const url = env('MAIL_WEBHOOK_URL')
  if (!url) {
    console.log(JSON.stringify({ level: 'info', mail: message }))
    return
  }
  const token = env('MAIL_WEBHOOK_TOKEN')
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(10_000),
  })
  if (!response.ok) throw new Error(`mail adapter answered ${response.status}`)
}
