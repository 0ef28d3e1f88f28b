// Deploying an agent from GitHub, and cancelling a deployment, for the agent's owner.
//   deploy: the owner's GitHub token (X-GitHub-Token, this request only) must read the agent's
//   repository (github.ts); the ref (default: the default branch) resolves to a commit; the database
//   opens one pending deployment for it (agents.request_deployment, under a lock on the agent); the
//   deploy backend gets it (deploy-backend.ts) and its job_id is stored once. A pending deployment
//   without a job_id is one the backend has not acknowledged: the same request again (same
//   Idempotency-Key, or the same commit) dispatches it again with the same webhook-id, and the backend
//   dedupes, so a request retried after any failure never starts a second job or opens a second deployment.
//   cancel: the backend stops the job, then the deployment moves to cancelled through
//   agents.apply_deployment_event (only an open deployment; a finished one is 409 invalid_transition).
import { db } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'
import { parse } from '../_shared/validation.ts'
import { findAgent } from './agents.ts'
import { cancelDeploymentJob, deployBackend, dispatchDeployment } from './deploy-backend.ts'
import { applyDeploymentEvent } from './deployments.ts'
import { readableRepository, resolveCommit } from './github.ts'
import { DeployRequest, IdempotencyKey } from './schemas.ts'

/** A deployment as the routes answer it (the columns an owner reads, less the logs). */
export interface Deployment {
  id: string
  agent_id: string
  status: string
  ref: string | null
  commit_sha: string | null
  job_id: string | null
  deployment_summary: string | null
  started_at: string
  completed_at: string | null
  created_at: string
}

interface OwnedAgent {
  id: string
  subdomain: string
  repo_owner: string
  repo_name: string
  github_url: string
}

const HINT_STATUS = { not_found: 404, deployment_in_progress: 409, idempotency_key_reused: 422 } as const
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function shown(row: Record<string, unknown>): Deployment {
  const { id, agent_id, status, ref, commit_sha, job_id, deployment_summary, started_at, completed_at, created_at } = row as unknown as Deployment
  return { id, agent_id, status, ref, commit_sha, job_id, deployment_summary, started_at, completed_at, created_at }
}

/** The agent, if `userId` owns it; another owner's agent reads as missing (as RLS would hide it). */
async function ownedAgent(ref: string, userId: string): Promise<OwnedAgent> {
  const agent = await findAgent(ref)
  if (agent.user_id !== userId) throw new ApiError(404, 'agent_not_found', `No agent ${ref}`)
  const [row] = await db()<OwnedAgent[]>`select id, subdomain, repo_owner, repo_name, github_url from agents.agents where id = ${agent.id}`
  return row
}

export interface DeployInput {
  agentRef: string
  userId: string
  githubToken: string | undefined
  idempotencyKey: string | undefined
  body: unknown
  callbackUrl: string
}

export async function deployAgent(input: DeployInput): Promise<{ outcome: 'created' | 'existing' | 'resumed'; deployment: Deployment }> {
  const agent = await ownedAgent(input.agentRef, input.userId)
  const backend = deployBackend()
  const token = input.githubToken?.trim()
  if (!token) {
    throw new ApiError(401, 'github_token_required', 'Send the GitHub token of your GitHub sign-in (session.provider_token) in X-GitHub-Token')
  }
  const { ref: requestedRef } = parse(DeployRequest, input.body)
  const key = input.idempotencyKey === undefined ? undefined : parseKey(input.idempotencyKey)

  const repo = await readableRepository(token, agent.repo_owner, agent.repo_name)
  const ref = requestedRef ?? repo.default_branch
  const sha = await resolveCommit(token, agent.repo_owner, agent.repo_name, ref)

  let opened: { outcome: 'created' | 'existing' | 'resumed'; deployment: Record<string, unknown> }
  try {
    const [{ result }] = await db()`select agents.request_deployment(${agent.id}, ${sha}, ${ref}, ${key ?? null}, ${requestedRef ?? null}) as result`
    opened = result
  } catch (error) {
    const hint = (error as { hint?: string }).hint as keyof typeof HINT_STATUS | undefined
    if (hint && hint in HINT_STATUS) {
      const message = hint === 'deployment_in_progress'
        ? `Agent ${agent.subdomain} has an open deployment (${(error as { detail?: string }).detail}): wait for it to finish or cancel it`
        : (error as Error).message
      throw new ApiError(HINT_STATUS[hint], hint === 'not_found' ? 'agent_not_found' : hint, message)
    }
    throw error
  }

  let deployment = shown(opened.deployment)
  if (deployment.status === 'pending' && deployment.job_id === null) {
    const jobId = await dispatchDeployment(backend, {
      type: 'deployment.requested', deployment_id: deployment.id, agent_id: agent.id, subdomain: agent.subdomain,
      repository: { owner: agent.repo_owner, name: agent.repo_name, github_url: agent.github_url, ref: deployment.ref!, commit_sha: deployment.commit_sha! },
      callback_url: input.callbackUrl,
    }).catch((error: ApiError) => {
      error.message = `${error.message}. Deployment ${deployment.id} stays pending: send the same request again (same Idempotency-Key) to dispatch it, or cancel it`
      throw error
    })
    const [{ row }] = await db()`select agents.record_deployment_job(${deployment.id}, ${jobId}) as row`
    deployment = shown(row)
    if (deployment.status === 'cancelled') {
      // The owner cancelled while this dispatch was on its way, and the cancel reached the backend
      // before the job existed: stop the job it started since (best effort: the deployment is final).
      await cancelDeploymentJob(backend, deployment.id, deployment.job_id).catch((error: Error) => {
        console.warn(JSON.stringify({ level: 'warn', deployment: deployment.id, message: `the job started after the deployment was cancelled could not be cancelled: ${error.message}` }))
      })
    }
  }
  return { outcome: opened.outcome, deployment }
}

function parseKey(value: string): string {
  const parsed = IdempotencyKey.safeParse(value)
  if (!parsed.success) throw new ApiError(400, 'invalid_idempotency_key', `Idempotency-Key: ${parsed.error.issues[0].message}`)
  return parsed.data
}

export async function cancelAgentDeployment(agentRef: string, userId: string, deploymentId: string): Promise<{ deployment: Deployment }> {
  const agent = await ownedAgent(agentRef, userId)
  const read = async () => {
    if (!UUID.test(deploymentId)) return undefined
    const [row] = await db()`select to_jsonb(d) as row from agents.deployments d where d.id = ${deploymentId} and d.agent_id = ${agent.id}`
    return row && shown(row.row)
  }
  const deployment = await read()
  if (!deployment) throw new ApiError(404, 'deployment_not_found', `Agent ${agent.subdomain} has no deployment ${deploymentId}`)
  if (deployment.status === 'cancelled') return { deployment }
  if (deployment.status !== 'pending' && deployment.status !== 'deploying') {
    throw new ApiError(409, 'invalid_transition', `Deployment ${deployment.id} has finished (${deployment.status}): only an open deployment can be cancelled`)
  }
  await cancelDeploymentJob(deployBackend(), deployment.id, deployment.job_id)
  await applyDeploymentEvent(`cancel_${deployment.id}`, { deployment_id: deployment.id, status: 'cancelled', summary: 'Cancelled by the owner' })
  return { deployment: (await read())! }
}
