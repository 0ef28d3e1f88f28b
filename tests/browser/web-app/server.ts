// Serves the browser test's web app from its own origin (http://localhost:PORT, not the gateway's
// http://127.0.0.1:PORT): the page, app.ts with its types stripped, and supabase-js as one ES module
// bundled from node_modules by esbuild (the page's import map points '@supabase/supabase-js' at it).
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build, transform } from 'esbuild'
import type { WebAppConfig } from './app.ts'

export interface WebAppServer {
  url: string
  close(): Promise<void>
}

async function supabaseBundle(): Promise<string> {
  const result = await build({
    stdin: { contents: "export * from '@supabase/supabase-js'", resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0].text
}

async function appModule(): Promise<string> {
  const source = await readFile(new URL('./app.ts', import.meta.url), 'utf8')
  return (await transform(source, { loader: 'ts', format: 'esm' })).code
}

// `import()` inside the inline script so that a module that fails to load is reported too.
const page = (config: WebAppConfig) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>web app</title>
<link rel="icon" href="data:,">
<script type="importmap">{"imports":{"@supabase/supabase-js":"/vendor/supabase-js.mjs"}}</script>
<script type="module">
const config = ${JSON.stringify(config).replaceAll('<', '\\u003c')}
import('/app.js')
  .then((app) => app.run(config))
  .then((results) => { window.__results = results }, (error) => { window.__fatal = String(error && error.stack || error) })
</script>
</head>
<body></body>
</html>
`

/** Starts the server for one run of the app with this config; the page is at `url`. */
export async function serveWebApp(config: WebAppConfig): Promise<WebAppServer> {
  const files: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html; charset=utf-8', body: page(config) },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: await appModule() },
    '/vendor/supabase-js.mjs': { type: 'text/javascript; charset=utf-8', body: await supabaseBundle() },
  }
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://localhost').pathname]
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://localhost:${port}/`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  }
}
