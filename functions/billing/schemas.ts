// Request bodies of the billing function (zod).
import { z } from 'zod'

const hours = z.number().min(0).max(1_000_000)

export const UsageBody = z
  .object({
    records: z
      .array(
        z
          .object({
            user_id: z.uuid(),
            cluster_id: z.uuid().nullable().default(null),
            date: z.iso.date(),
            cpu_hours: hours.default(0),
            gpu_hours: hours.default(0),
            storage_gb_months: hours.default(0),
            api_calls: z.number().int().min(0).default(0),
          })
          .strict(),
      )
      .min(1)
      .max(1000),
  })
  .strict()

export const CREDIT_PACKS_CENTS = [1000, 2500, 10000] as const

export const CheckoutBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('credits'), pack_cents: z.union(CREDIT_PACKS_CENTS.map((p) => z.literal(p))) }).strict(),
  z.object({ kind: z.literal('subscription'), tier: z.enum(['pro', 'enterprise']), interval: z.enum(['month', 'year']) }).strict(),
])

export const AssignBody = z.object({ user_id: z.uuid() }).strict()

export const CollectBody = z.object({ date: z.iso.date().optional() }).strict()

export const ApiKeyBody = z.object({ api_key: z.string().min(8).max(4096) }).strict()

export const KubeconfigBody = z
  .object({
    kubeconfig: z.string().min(2).max(262_144),
    prometheus_service: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?:[A-Za-z0-9-]+$/).optional(),
    usage_user_label: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/).optional(),
  })
  .strict()
