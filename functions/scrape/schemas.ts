// Request bodies of the scrape function.
import { z } from 'zod'

export const StartCrawl = z.object({
  domain_id: z.uuid(),
  max_pages: z.number().int().min(1).max(100_000).optional(),
  max_depth: z.number().int().min(0).max(50).optional(),
})

export const JobRef = z.object({ job_id: z.uuid() })
