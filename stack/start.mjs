// `npm start` entry: checks the Node.js version first (an old Node cannot load .ts), then runs start.ts.
import './node-version.mjs'

await import('./start.ts')
