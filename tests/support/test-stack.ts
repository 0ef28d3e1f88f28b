// The whole local stack on a clone of the migrated template, on the suite's engine: PGlite in
// process, or a template clone on the real PostgreSQL reached by URL (the `--db-url` path).
import { startStack, type RunningStack, type StartOptions } from '../../stack/stack.ts'
import { adminUrl, databaseUrl, engine } from './engine.ts'
import { createPostgresClone, dropPostgresClone, openTemplateClone } from './template.ts'

export async function startTestStack(options: Omit<StartOptions, 'pglite'> = {}): Promise<RunningStack> {
  const settings = { apiPort: 0, dbPort: 0, ...options.settings }
  if (engine === 'pglite') return await startStack({ scheduler: false, ...options, settings, pglite: await openTemplateClone() })
  const name = await createPostgresClone()
  const stack = await startStack({ scheduler: false, ...options, settings: { ...settings, databaseUrl: databaseUrl(adminUrl!, name) } })
  return {
    ...stack,
    async stop() {
      await stack.stop()
      await dropPostgresClone(name)
    },
  }
}
