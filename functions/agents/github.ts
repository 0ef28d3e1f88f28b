// The GitHub REST API calls of a deploy (API version 2022-11-28), made with the signed-in user's
// GitHub token (the provider token of their GitHub sign-in) and nothing else: the token proves the
// user can read the repository, and is used for this request only (never stored, logged or sent on).
//   GET /repos/{owner}/{repo}               the repository: archived, default_branch. GitHub answers
//                                           404 for a private repository the token cannot see.
//   GET /repos/{owner}/{repo}/commits/{ref} the commit a branch, tag or sha names: {sha}; 422 when
//                                           no commit matches, 409 for an empty repository.
// Rate limits (GitHub docs, "Rate limits for the REST API"): 403 or 429; primary: x-ratelimit-remaining
// 0 and x-ratelimit-reset (epoch seconds); secondary: retry-after (seconds), else wait a minute.
// Base URL: GITHUB_API_URL (GitHub Enterprise Server: https://<host>/api/v3), default api.github.com.
import { env } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'

const API_VERSION = '2022-11-28'
const TIMEOUT_MS = 10_000

export interface Repository {
  archived: boolean
  default_branch: string
}

function base(): string {
  return (env('GITHUB_API_URL') ?? 'https://api.github.com').replace(/\/+$/, '')
}

async function get(token: string, path: string): Promise<Response> {
  try {
    return await fetch(`${base()}${path}`, {
      headers: {
        authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': API_VERSION,
        'user-agent': 'agents-deploy',
      },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
  } catch (error) {
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS} ms` : 'unreachable'
    throw new ApiError(503, 'github_unavailable', `GitHub is ${why}; retry shortly`, 5)
  }
}

/** Seconds to wait before asking GitHub again, from a rate-limited answer's headers. */
function retryAfterSeconds(res: Response): number {
  const retryAfter = Number(res.headers.get('retry-after'))
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.ceil(retryAfter)
  const reset = Number(res.headers.get('x-ratelimit-reset'))
  if (res.headers.get('x-ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0) {
    return Math.max(1, Math.ceil(reset - Date.now() / 1000))
  }
  return 60
}

function isRateLimited(res: Response, message: string): boolean {
  return res.status === 429 || res.headers.get('x-ratelimit-remaining') === '0' || res.headers.has('retry-after') || /rate limit/i.test(message)
}

/** Maps an answer that is not the resource: the caller's token, rate limits, GitHub outages. */
async function failure(res: Response, repo: string): Promise<ApiError> {
  const message = String(((await res.json().catch(() => ({}))) as { message?: unknown }).message ?? '').slice(0, 200)
  if (res.status === 401) return new ApiError(401, 'github_token_invalid', 'GitHub refused the token (expired or revoked): sign in with GitHub again')
  if ((res.status === 403 || res.status === 429) && isRateLimited(res, message)) {
    const wait = retryAfterSeconds(res)
    return new ApiError(429, 'github_rate_limited', `GitHub's rate limit for this token is used up: retry in ${wait} s`, wait)
  }
  if (res.status === 403) return new ApiError(403, 'repository_access_denied', `GitHub refused access to ${repo}: ${message}`)
  if (res.status === 404) return new ApiError(404, 'repository_not_found', `${repo} does not exist or this GitHub account cannot read it`)
  if (res.status >= 500) return new ApiError(502, 'github_unavailable', `GitHub answered HTTP ${res.status}; retry shortly`, 5)
  return new ApiError(502, 'github_unexpected_answer', `GitHub answered HTTP ${res.status} for ${repo}: ${message}`)
}

const repoPath = (owner: string, name: string) => `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`

/** The repository, if the token's user can read it and it is not archived. */
export async function readableRepository(token: string, owner: string, name: string): Promise<Repository> {
  const res = await get(token, repoPath(owner, name))
  if (!res.ok) throw await failure(res, `${owner}/${name}`)
  const repo = (await res.json()) as Partial<Repository>
  if (typeof repo.default_branch !== 'string') throw new ApiError(502, 'github_unexpected_answer', `GitHub's answer for ${owner}/${name} has no default_branch`)
  if (repo.archived) throw new ApiError(409, 'repository_archived', `${owner}/${name} is archived: unarchive it on GitHub to deploy it`)
  return { archived: false, default_branch: repo.default_branch }
}

/** The full sha of the commit `ref` (a branch, tag or sha) names in the repository. */
export async function resolveCommit(token: string, owner: string, name: string, ref: string): Promise<string> {
  const res = await get(token, `${repoPath(owner, name)}/commits/${encodeURIComponent(ref)}`)
  if (res.status === 422) throw new ApiError(422, 'ref_not_found', `No branch, tag or commit ${ref} in ${owner}/${name}`)
  if (res.status === 409) throw new ApiError(409, 'repository_empty', `${owner}/${name} has no commits`)
  if (!res.ok) throw await failure(res, `${owner}/${name}`)
  const sha = ((await res.json()) as { sha?: unknown }).sha
  if (typeof sha !== 'string' || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
    throw new ApiError(502, 'github_unexpected_answer', `GitHub's commit answer for ${ref} has no sha`)
  }
  return sha
}
