// Runs a block with some environment variables unset (a deployment that lacks them), then puts
// them back, so the rest of the test file keeps its configuration.

/** Runs fn after `change`, then puts the named variables back as they were. */
async function restoringEnv<T>(names: string[], change: () => void, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]))
  change()
  try {
    return await fn()
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

export function withoutEnv<T>(names: string[], fn: () => Promise<T>): Promise<T> {
  return restoringEnv(names, () => names.forEach((name) => delete process.env[name]), fn)
}

/** The same, with the variables set to the given values instead (a misconfigured deployment). */
export function withEnv<T>(values: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  return restoringEnv(Object.keys(values), () => Object.assign(process.env, values), fn)
}
