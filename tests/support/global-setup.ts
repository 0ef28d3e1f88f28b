// Builds the migrated + seeded template once for the whole vitest run.
import { ensureTemplate } from './template.ts'

export default async function setup() {
  await ensureTemplate()
}
