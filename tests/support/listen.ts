// Serves a fetch handler on a free loopback port: the one way every loopback server in the tests
// (OpenAI, Stripe, providers, algod, WooCommerce, mail, agent runtimes) listens.
import { serve, type ServerType } from '@hono/node-server'

export interface Listening {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string
  close(): Promise<void>
}

export async function listenOnLoopback(fetch: Parameters<typeof serve>[0]['fetch']): Promise<Listening> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
  })
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
