// Keeps package-lock.json installable by `npm ci` on any platform.
// Why: this machine's npm registry serves only linux-x64 builds, so `npm install` cannot record the
// other platforms' optional binaries (@deno/*, @supabase/cli-*) and `npm ci` then refuses the lock
// ("Missing: @deno/darwin-arm64@ from lock file"). This adds a lock entry per missing optional
// platform package, carrying only what npm needs to skip it (os/cpu/libc). Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs'

const lockPath = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(lockPath, 'utf8'))

function platformOf(name: string): { os: string[]; cpu: string[]; libc?: string[] } {
  const id = name.split('/').pop()!
  const os = /darwin/.test(id) ? 'darwin' : /win/.test(id) ? 'win32' : 'linux'
  const cpu = /arm64/.test(id) ? 'arm64' : 'x64'
  const libc = os === 'linux' ? (/musl/.test(id) ? 'musl' : 'glibc') : undefined
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) }
}

let added = 0
for (const [path, entry] of Object.entries(lock.packages as Record<string, any>)) {
  for (const [dep, version] of Object.entries((entry.optionalDependencies ?? {}) as Record<string, string>)) {
    const key = `node_modules/${dep}`
    if (lock.packages[key] || lock.packages[`${path}/${key}`]) continue
    lock.packages[key] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platformOf(dep) }
    added++
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))))
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`package-lock.json: ${added} foreign-platform optional entries added`)
