// The crawler's SSRF-proof fetch under real Deno (the Edge runtime's engine), where it pins the
// connection with Deno.createHttpClient({proxy: {transport: 'tcp'}}) instead of node:http's lookup:
// a name whose second answer is a metadata address is still fetched from the first, vetted address,
// the request keeps the name as its Host, and an odd-form loopback literal is refused.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect, it } from 'vitest'
import { ROOT } from '../../stack/config.ts'

const module = (path: string) => pathToFileURL(join(ROOT, path)).href

it('under Deno: one lookup per name, the vetted address connected to, private forms refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scrape-deno-'))
  const script = join(dir, 'pin.ts')
  writeFileSync(script, `
    import { safeFetcher } from '${module('functions/_shared/outbound/pinned-fetch.ts')}'
    import { allowList } from '${module('functions/_shared/outbound/address-policy.ts')}'
    const hosts: string[] = []
    const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, (req) => {
      hosts.push(req.headers.get('host')!)
      return new Response('page ' + new URL(req.url).pathname)
    })
    const port = server.addr.port
    const asked: string[] = []
    const resolve = async (host: string) => (asked.push(host), asked.length === 1 ? ['127.0.0.1'] : ['169.254.169.254'])
    const pinned = safeFetcher({ resolve, allowed: allowList('127.0.0.1') })
    const texts = [await (await pinned('http://shop.rebind.example:' + port + '/a')).text(), await (await pinned('http://shop.rebind.example:' + port + '/b')).text()]
    const strict = safeFetcher({ resolve: async () => ['127.0.0.1'], allowed: allowList('') })
    const refused = await strict('http://2130706433:' + port + '/').then(() => 'fetched', (e) => e.name + ': ' + e.message)
    await server.shutdown()
    console.log(JSON.stringify({ texts, asked, hosts, port, refused }))
  `)
  try {
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'deno'), ['run', '--allow-net', '--allow-env', '--allow-read', script], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
    })
    expect(run.status, run.stderr).toBe(0)
    const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!)
    expect(out.texts).toEqual(['page /a', 'page /b'])
    expect(out.asked).toEqual(['shop.rebind.example'])
    expect(out.hosts).toEqual([`shop.rebind.example:${out.port}`, `shop.rebind.example:${out.port}`])
    expect(out.refused).toBe(`RefusedDestinationError: 127.0.0.1:${out.port} is a private address (127.0.0.1: loopback)`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 120_000)
