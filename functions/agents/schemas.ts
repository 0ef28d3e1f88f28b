// Request bodies of the agents function.
import algosdk from 'algosdk'
import { z } from 'zod'

export const DeploymentEvent = z.object({
  deployment_id: z.uuid().optional(),
  job_id: z.string().min(1).max(255).optional(),
  status: z.enum(['pending', 'deploying', 'success', 'failed', 'cancelled']),
  logs: z.string().max(1_000_000).optional(),
  summary: z.string().max(10_000).optional(),
  agent_address: z.string().refine((a) => algosdk.isValidAddress(a), 'not a valid Algorand address').optional(),
  app_id: z.union([z.number().int().positive(), z.string().regex(/^[1-9][0-9]{0,19}$/)]).optional(),
}).refine((e) => e.deployment_id || e.job_id, { message: 'deployment_id or job_id is required' })
export type DeploymentEvent = z.infer<typeof DeploymentEvent>

export const RuntimeStatus = z.object({
  status: z.enum(['active', 'unhealthy', 'stopped']),
})

/** POST /agents/<agent>/deploy: the branch, tag or commit sha to deploy (default: the default branch's head). */
export const DeployRequest = z.object({
  ref: z.string().min(1).max(255).regex(/^[^\s~^:?*[\\\x00-\x1f\x7f]+$/, 'not a git branch, tag or sha').optional(),
})

/** The Idempotency-Key header of a deploy request: 1 to 255 printable ASCII characters. */
export const IdempotencyKey = z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
