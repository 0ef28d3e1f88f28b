// Local function secrets: the stack gives the functions what supabase/functions/.env sets, as
// `supabase functions serve` does; the process environment wins over the file, SUPABASE_* names stay
// the runtime's, and the test suite never reads a developer's file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { defaultFunctionsEnvFile, FUNCTIONS_ENV_FILE, readFunctionSecrets } from '../../stack/function-env.ts'
import { functionEnv } from '../../stack/functions.ts'
import { ROOT } from '../../stack/config.ts'

const stack = {
  apiUrl: 'http://127.0.0.1:54321', dbUrl: 'postgresql://postgres:postgres@127.0.0.1:54322/postgres', anonKey: 'anon', serviceRoleKey: 'service',
  jwtSecret: 'stack-jwt-secret', publishableKey: 'sb_publishable_x', secretKey: 'sb_secret_x',
}
let dir: string
let file: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'function-env-'))
  file = join(dir, '.env')
  writeFileSync(file, [
    '# a comment',
    'STRIPE_SECRET_KEY=sk_test_from_file',
    'export AGENT_RUNTIME_URL="https://{subdomain}.agents.example.test/invoke"  # quoted, with a trailing comment',
    'OPENAI_API_KEY=sk-from-file',
    'MAIL_WEBHOOK_URL=',
    'JWT_SECRET=file-jwt-secret',
    'SUPABASE_URL=https://evil.example.test',
    'SUPABASE_DB_URL=postgresql://evil.example.test/postgres',
    '',
  ].join('\n'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('supabase/functions/.env', () => {
  it('is the CLI\'s file: supabase/functions/.env in the project, git-ignored, read by the stack outside tests only', () => {
    expect(FUNCTIONS_ENV_FILE).toBe(join(ROOT, 'supabase', 'functions', '.env'))
    expect(defaultFunctionsEnvFile('development')).toBe(FUNCTIONS_ENV_FILE)
    expect(defaultFunctionsEnvFile('production')).toBe(FUNCTIONS_ENV_FILE)
    expect(defaultFunctionsEnvFile('test')).toBeUndefined()
    expect(process.env.NODE_ENV).toBe('test') // vitest sets it: the suite ignores a developer's file
  })

  it('gives the functions the file\'s variables; the environment and the runtime\'s own values win', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const environment = { OPENAI_API_KEY: 'sk-from-shell', MAIL_WEBHOOK_URL: undefined }
    try {
      const secrets = readFunctionSecrets(file, environment)
      expect(secrets.values).toEqual({
        STRIPE_SECRET_KEY: 'sk_test_from_file',
        AGENT_RUNTIME_URL: 'https://{subdomain}.agents.example.test/invoke',
        JWT_SECRET: 'file-jwt-secret',
      })
      expect(secrets.overridden).toEqual(['OPENAI_API_KEY'])
      expect(secrets.reserved.sort()).toEqual(['SUPABASE_DB_URL', 'SUPABASE_URL'])
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/SUPABASE_.*skipping: .*SUPABASE_DB_URL/))
    } finally {
      warn.mockRestore()
    }
  })

  it('functionEnv: file variables plus the runtime values, which the file cannot replace', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const saved = process.env.OPENAI_API_KEY
    process.env.OPENAI_API_KEY = 'sk-from-shell'
    try {
      const values = functionEnv(stack, file)
      expect(values).toMatchObject({
        STRIPE_SECRET_KEY: 'sk_test_from_file',
        SUPABASE_URL: stack.apiUrl,
        SUPABASE_DB_URL: stack.dbUrl,
        JWT_SECRET: stack.jwtSecret,
      })
      // Not in the result, so Object.assign(process.env, ...) leaves the shell's value in place.
      expect(values).not.toHaveProperty('OPENAI_API_KEY')
      expect(values).not.toHaveProperty('MAIL_WEBHOOK_URL')
      // No file (tests, or a project without one): only the runtime values.
      expect(Object.keys(functionEnv(stack, undefined)).sort()).toEqual([
        'JWT_SECRET', 'SUPABASE_ANON_KEY', 'SUPABASE_DB_URL', 'SUPABASE_PUBLISHABLE_KEYS', 'SUPABASE_SECRET_KEYS', 'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_URL',
      ])
      expect(Object.keys(functionEnv(stack, join(dir, 'missing.env')))).not.toContain('STRIPE_SECRET_KEY')
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY
      else process.env.OPENAI_API_KEY = saved
      warn.mockRestore()
    }
  })
})
