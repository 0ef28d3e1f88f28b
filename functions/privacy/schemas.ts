// Request shapes of the privacy function.
import { z } from 'zod'

export const NewRequest = z.object({
  domain: z.string().min(1).max(253).transform((d) => d.toLowerCase()),
  email: z.email().transform((e) => e.toLowerCase()),
  type: z.enum(['access', 'delete', 'rectify']),
  regulation: z.enum(['gdpr', 'ccpa']).default('gdpr'),
  details: z.record(z.string(), z.unknown()).default({}),
})

export const VerifyRequest = z.object({ code: z.string().regex(/^\d{6}$/) })

export const OwnerDecision = z.object({
  status: z.enum(['completed', 'rejected']),
  result: z.record(z.string(), z.unknown()).default({}),
})
