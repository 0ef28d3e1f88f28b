// Request bodies of the studio function, and the graph the model must answer with (structured
// output: zodResponseFormat turns GeneratedGraph into a strict JSON schema, zod 4 included).
import { z } from 'zod'

export const GenerateBody = z
  .object({
    project_id: z.uuid(),
    prompt: z.string().trim().min(1).max(8000),
    graph_id: z.uuid().optional(),
    chat_id: z.uuid().optional(),
  })
  .strict()
export type GenerateBody = z.infer<typeof GenerateBody>

const json = z.record(z.string(), z.unknown())

/** A graph document as the editor holds it; loose, since /analyze must see broken ones too. */
export const DocumentInput = z.object({
  nodes: z
    .array(
      z.looseObject({
        id: z.union([z.string().min(1).max(200), z.number()]).transform(String),
        type: z.string().max(100).nullish(),
        label: z.string().max(500).nullish(),
        data: json.nullish(),
      }),
    )
    .max(2000),
  edges: z
    .array(
      z.looseObject({
        id: z.union([z.string().min(1).max(200), z.number()]).transform(String).nullish(),
        source: z.union([z.string(), z.number()]).transform(String),
        target: z.union([z.string(), z.number()]).transform(String),
        sourceHandle: z.string().nullish(),
        targetHandle: z.string().nullish(),
        type: z.string().nullish(),
        data: json.nullish(),
      }),
    )
    .max(10000)
    .default([]),
  viewport: json.nullish(),
})

/** POST /studio/analyze: a saved graph by id, or an unsaved document from the editor. */
export const AnalyzeBody = z.union([z.object({ graph_id: z.uuid() }).strict(), z.object({ document: DocumentInput }).strict()])

export const ApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    provider: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{1,39}$/, 'lower-case provider name, e.g. openai')
      .default('openai'),
    api_key: z.string().trim().min(8).max(500),
    expires_at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()

/** Service types a generated node may have (the node's type in the document). */
export const SERVICE_TYPES = [
  'client',
  'cdn',
  'load_balancer',
  'api_gateway',
  'api',
  'service',
  'worker',
  'database',
  'cache',
  'queue',
  'storage',
  'search',
  'external',
] as const

// Structured outputs require every property (optional ones are nullable instead).
export const GeneratedNode = z.object({
  id: z.string().describe('Short unique id, e.g. "api" or "orders_db". Keep the ids of nodes that stay from the current graph.'),
  type: z.enum(SERVICE_TYPES),
  label: z.string().describe('Display name'),
  description: z.string().describe('What the component does, one sentence'),
  technology: z.string().nullable().describe('e.g. PostgreSQL, Redis, Node.js'),
  replicas: z.number().nullable().describe('Instances running; more than 1 when the component must survive a failure'),
  vcpus: z.number().nullable().describe('vCPUs per instance when it runs on a server we operate, else null'),
  memory_gb: z.number().nullable().describe('Memory in GB per instance, else null'),
  gpu: z.string().nullable().describe('GPU model per instance (H100, A100, L4, ...), else null'),
  gpu_count: z.number().nullable().describe('GPUs per instance, else null'),
})

export const GeneratedEdge = z.object({
  source: z.string().describe('id of the calling node'),
  target: z.string().describe('id of the called node'),
  label: z.string().nullable().describe('Protocol or purpose, e.g. HTTPS, SQL, publish'),
  async: z.boolean().describe('true when the link goes through a queue or events (the caller does not wait)'),
})

export const GeneratedGraph = z.object({
  summary: z.string().describe('What the design is and what changed, for the user'),
  nodes: z.array(GeneratedNode),
  edges: z.array(GeneratedEdge),
})
export type GeneratedGraph = z.infer<typeof GeneratedGraph>
