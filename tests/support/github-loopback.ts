// A loopback server speaking the two GitHub REST API calls the agents deploy route makes, in GitHub's
// documented shapes (API version 2022-11-28):
//   GET /repos/{owner}/{repo}            200 the repository (full_name, private, archived, default_branch,
//                                        permissions, ...); 401 {message: "Bad credentials"} for an unknown
//                                        token; 404 {message: "Not Found"} for a repository that does not
//                                        exist or that the token's user cannot see (GitHub hides private ones)
//   GET /repos/{owner}/{repo}/commits/{ref}  200 {sha, commit, ...} for a branch, tag or (abbreviated) sha;
//                                        422 {message: "No commit found for SHA: <ref>"} otherwise; 409
//                                        {message: "Git Repository is empty."} for a repository without commits
// Errors carry {message, documentation_url, status}. Every answer has the x-ratelimit-* headers.
// `failNext` answers the next calls with a rate limit (primary: 403 + x-ratelimit-remaining 0 and
// x-ratelimit-reset; secondary: 403 + retry-after) or a 5xx. Records every call with its headers.
import { Hono, type Context } from 'hono'
import { listenOnLoopback } from './listen.ts'

export interface LoopbackRepo {
  owner: string
  name: string
  private: boolean
  archived: boolean
  default_branch: string
  /** Tokens whose user can read the repository (a public one: every valid token). */
  readers: string[]
  branches: Record<string, string>
  tags: Record<string, string>
  /** Other commits reachable by sha only. */
  commits: string[]
}

export type GithubFailure =
  | { kind: 'primary_rate_limit'; resetInSeconds: number }
  | { kind: 'secondary_rate_limit'; retryAfterSeconds: number }
  | { kind: 'status'; status: number }

export interface GithubCall {
  method: string
  path: string
  authorization?: string
  apiVersion?: string
  accept?: string
}

export interface GithubLoopback {
  url: string
  /** Valid tokens (a GitHub sign-in's provider tokens). */
  tokens: Set<string>
  repos: LoopbackRepo[]
  calls: GithubCall[]
  failNext: GithubFailure[]
  close(): Promise<void>
}

const DOCS = 'https://docs.github.com/rest'

export async function startGithubLoopback(): Promise<GithubLoopback> {
  const state: GithubLoopback = { url: '', tokens: new Set(), repos: [], calls: [], failNext: [], close: async () => {} }
  const app = new Hono()

  const error = (c: Context, status: number, message: string, docs = DOCS, headers: Record<string, string> = {}) => {
    for (const [k, v] of Object.entries(headers)) c.header(k, v)
    return c.json({ message, documentation_url: docs, status: String(status) }, status as 401)
  }

  app.use('*', async (c, next) => {
    state.calls.push({
      method: c.req.method, path: decodeURIComponent(new URL(c.req.url).pathname), authorization: c.req.header('authorization'),
      apiVersion: c.req.header('x-github-api-version'), accept: c.req.header('accept'),
    })
    c.header('x-ratelimit-limit', '5000')
    c.header('x-ratelimit-remaining', '4999')
    c.header('x-ratelimit-reset', String(Math.floor(Date.now() / 1000) + 3600))
    c.header('x-ratelimit-resource', 'core')
    const failure = state.failNext.shift()
    if (failure?.kind === 'primary_rate_limit') {
      return error(c, 403, 'API rate limit exceeded for user ID 1.', `${DOCS}/overview/rate-limits-for-the-rest-api`, {
        'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + failure.resetInSeconds),
      })
    }
    if (failure?.kind === 'secondary_rate_limit') {
      return error(c, 403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`, { 'retry-after': String(failure.retryAfterSeconds) })
    }
    if (failure?.kind === 'status') return error(c, failure.status, failure.status >= 500 ? 'Server Error' : 'Error')
    const auth = c.req.header('authorization') ?? ''
    const token = /^(Bearer|token) (.+)$/.exec(auth)?.[2]
    if (!token || !state.tokens.has(token)) return error(c, 401, 'Bad credentials')
    c.set('token' as never, token as never)
    await next()
  })

  const visible = (c: Context) => {
    const repo = state.repos.find((r) => r.owner.toLowerCase() === c.req.param('owner')!.toLowerCase() && r.name.toLowerCase() === c.req.param('repo')!.toLowerCase())
    const token = c.get('token' as never) as string
    if (!repo || (repo.private && !repo.readers.includes(token))) return undefined
    return repo
  }

  app.get('/repos/:owner/:repo', (c) => {
    const repo = visible(c)
    if (!repo) return error(c, 404, 'Not Found', `${DOCS}/repos/repos#get-a-repository`)
    const full = `${repo.owner}/${repo.name}`
    const push = repo.readers.includes(c.get('token' as never) as string)
    return c.json({
      id: 1296269, node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5', name: repo.name, full_name: full,
      owner: { login: repo.owner, id: 1, type: 'User' }, private: repo.private, visibility: repo.private ? 'private' : 'public',
      html_url: `https://github.com/${full}`, url: `${state.url}/repos/${full}`, fork: false, archived: repo.archived, disabled: false,
      default_branch: repo.default_branch, permissions: { admin: push, maintain: push, push, triage: push, pull: true },
      pushed_at: '2026-11-30T10:00:00Z', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-11-30T10:00:00Z',
    })
  })

  app.get('/repos/:owner/:repo/commits/*', (c) => {
    const repo = visible(c)
    if (!repo) return error(c, 404, 'Not Found', `${DOCS}/commits/commits#get-a-commit`)
    const prefix = `/repos/${c.req.param('owner')}/${c.req.param('repo')}/commits/`
    const ref = decodeURIComponent(new URL(c.req.url).pathname.slice(prefix.length))
    const all = [...Object.values(repo.branches), ...Object.values(repo.tags), ...repo.commits]
    if (all.length === 0) return error(c, 409, 'Git Repository is empty.', `${DOCS}/commits/commits#get-a-commit`)
    const sha = repo.branches[ref] ?? repo.tags[ref] ?? (/^[0-9a-f]{7,40}$/.test(ref) ? all.find((s) => s.startsWith(ref)) : undefined)
    if (!sha) return error(c, 422, `No commit found for SHA: ${ref}`, `${DOCS}/commits/commits#get-a-commit`)
    return c.json({
      sha, node_id: 'C_kwDOAAAB', url: `${state.url}/repos/${repo.owner}/${repo.name}/commits/${sha}`,
      html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${sha}`,
      commit: { message: 'Deployable', author: { name: 'Octo', email: 'octo@example.test', date: '2026-11-30T10:00:00Z' }, tree: { sha: 'f'.repeat(40) } },
      parents: [], files: [], stats: { total: 0, additions: 0, deletions: 0 },
    })
  })

  app.notFound((c) => error(c, 404, 'Not Found'))

  const server = await listenOnLoopback(app.fetch)
  state.url = server.url
  state.close = server.close
  return state
}
