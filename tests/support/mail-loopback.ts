// A loopback mail relay for MAIL_WEBHOOK_URL (functions/_shared/mail.ts): collects the messages.
import { Hono } from 'hono'
import { listenOnLoopback } from './listen.ts'

export async function startMailLoopback(): Promise<{ url: string; messages: { to: string; subject: string; text: string }[]; close(): Promise<void> }> {
  const messages: { to: string; subject: string; text: string }[] = []
  const app = new Hono()
  app.post('/send', async (c) => {
    messages.push(await c.req.json())
    return c.json({ queued: true })
  })
  const server = await listenOnLoopback(app.fetch)
  return {
    url: `${server.url}/send`,
    messages,
    close: server.close,
  }
}
