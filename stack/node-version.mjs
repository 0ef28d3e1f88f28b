// Refuses a Node.js too old to run this project's .ts files, in one line that says how to get Node 24.
// Plain JavaScript on purpose: Node 20 cannot even load a .ts entry (ERR_UNKNOWN_FILE_EXTENSION), so
// this must run first. Importing it checks; so does running it (`node stack/node-version.mjs && ...`)
// or preloading it (`node --import ./stack/node-version.mjs scripts/x.ts`).
import { relative } from 'node:path'
import process from 'node:process'

/** True where Node strips TypeScript types by default: 22.18+ and 23.6+ (24 LTS is the target). */
export function runsTypeScript(version) {
  const [major, minor] = version.split('.').map(Number)
  if (major === 22) return minor >= 18
  if (major === 23) return minor >= 6
  return major > 23
}

/** What to run instead: the same npm script (or file), with its arguments, under Node 24 from npm. */
function sameCommandOnNode24() {
  const quote = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)
  const args = process.argv.slice(2).map(quote)
  const script = process.env.npm_lifecycle_event
  if (script) return ['npx -y node@24 --run', script, ...(args.length ? ['--', ...args] : [])].join(' ')
  const entry = process.argv[1] ? relative(process.cwd(), process.argv[1]) : ''
  return ['npx -y node@24', quote(entry), ...args].join(' ')
}

if (!runsTypeScript(process.versions.node)) {
  process.stderr.write(
    `This project needs Node.js 22.18 or newer (24 LTS recommended); this is Node ${process.versions.node}. ` +
      `Run it with Node 24 from npm: ${sameCommandOnNode24()}  (or install Node 24: nvm install 24, fnm install 24, https://nodejs.org)\n`,
  )
  process.exit(1)
}
