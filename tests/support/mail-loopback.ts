// A loopback mail relay for MAIL_WEBHOOK_URL (functions/_shared/mail.ts): collects the messages.
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'

export async function startMailLoopback(): Promise<{ url: string; messages: { to: string; subject: string; text: string }[]; close(): Promise<void> }> {
  const messages: { to: string; subject: string; text: string }[] = []
  const app = new Hono()
  app.post('/send', async (c) => {
    messages.push(await c.req.json())
    return c.json({ queued: true })
  })
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
  })
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/send`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
