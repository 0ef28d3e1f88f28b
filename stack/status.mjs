// `npm run status` entry: checks the Node.js version first (an old Node cannot load .ts), then runs status.ts.
import './node-version.mjs'

await import('./status.ts')
