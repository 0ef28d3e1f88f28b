// Request bodies of the domains function.
import { z } from 'zod'

export const DomainRef = z.object({ domain_id: z.uuid() })

export const Recheck = z.object({ max_domains: z.number().int().min(1).max(500).default(50) })
