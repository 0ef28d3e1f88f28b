// Query and body schemas of the catalog endpoints (zod). Query strings arrive as text.
import { z } from 'zod'

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')
const count = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback)
const positive = z.coerce.number().positive()

export const InstanceQuery = z
  .object({
    q: z.string().trim().min(1).max(500).optional(),
    provider: z.string().max(64).optional(),
    gpu_model: z.string().max(128).optional(),
    min_gpu_count: z.coerce.number().int().min(0).optional(),
    max_price_hourly: positive.optional(),
    max_price_monthly: positive.optional(),
    min_vcpu: z.coerce.number().int().min(1).optional(),
    min_memory_gb: positive.optional(),
    country: z.string().max(128).optional(),
    city: z.string().max(128).optional(),
    continent: z.string().max(64).optional(),
    available_only: flag.default(true),
    limit: count(100, 10),
  })
  .strict()

export const PackageQuery = z
  .object({
    q: z.string().trim().min(1).max(500).optional(),
    category: z.coerce.number().int().optional(),
    operator_only: flag.default(false),
    official: flag.default(false),
    cncf: flag.default(false),
    verified_publisher: flag.default(false),
    include_deprecated: flag.default(false),
    limit: count(100, 10),
  })
  .strict()

export const CompareQuery = z
  .object({
    gpu_model: z.string().max(128).optional(),
    gpu_count: z.coerce.number().int().min(0).optional(),
    min_vcpu: z.coerce.number().int().min(1).optional(),
    min_memory_gb: positive.optional(),
    currency: z.string().regex(/^[A-Za-z]{3}$/).default('USD'),
    limit: count(100, 20),
  })
  .strict()
  .refine((q) => q.gpu_model || q.gpu_count !== undefined || q.min_vcpu || q.min_memory_gb, {
    message: 'give a GPU model/count or a CPU/memory shape',
  })

export const AssistantBody = z
  .object({
    question: z.string().trim().min(3).max(2000),
    conversation_id: z.uuid().optional(),
  })
  .strict()

export const SyncBody = z
  .object({
    providers: z.array(z.string()).optional(),
    packages: z.boolean().default(true),
  })
  .strict()
