// Optional: with OPENAI_API_KEY, a structured-output parse of an offer question, used only when the
// deterministic parser left text it did not understand. The model's answer is validated by the
// same zod schema as the deterministic parse (ParsedOfferQuery), its values are normalised to the
// catalog's vocabulary (GPU model, country, continent, provider, city; anything unrecognised is
// dropped), and it only adds to the deterministic filters, never replaces them. Any error (no key,
// the model unreachable, invalid output): null, and the caller keeps the deterministic result.
import OpenAI from 'openai'
import { zodResponseFormat } from 'openai/helpers/zod'
import { z } from 'zod'
import { env } from '../_shared/env.ts'
import { GPU_MODELS, gpuModelKey, gpuModelMemoryGb } from './gpu-models.ts'
import { findContinent, findCountry } from './locations.ts'
import { type OfferFilters, OfferSort, ParsedOfferQuery } from './offer-query.ts'

// Structured outputs (strict) need every property present: "none" is null.
const ModelAnswer = z.object({
  filters: z.object({
    provider: z.string().nullable().describe('cloud provider key, lower case (aws, gcp, azure, digitalocean, hetzner, vultr, linode, lambdalabs, runpod)'),
    gpu_model: z.string().nullable().describe('GPU model, e.g. "A100", "H100", "A100 80GB"'),
    min_gpu_count: z.number().int().nullable(),
    min_vcpu: z.number().int().nullable(),
    min_memory_gb: z.number().nullable().describe('system memory (RAM) in GB'),
    max_price_hourly: z.number().nullable().describe('price ceiling per hour'),
    max_price_monthly: z.number().nullable().describe('price ceiling per month'),
    country: z.string().nullable().describe('country name in English or ISO code'),
    city: z.string().nullable(),
    continent: z.string().nullable().describe('Africa, Asia, Europe, North America, Oceania or South America'),
  }),
  sort: OfferSort.describe('"price" when the user wants the cheapest, else "similarity"'),
  text: z.string().nullable().describe('what the user asks for beyond the filters (workload, features), or null'),
})

const SYSTEM = `You turn a question about cloud compute offers into search filters. Set only what the question states; null otherwise. Prices are ceilings. Answer in the given JSON schema.`

export interface ModelVocabulary {
  cities: readonly string[]
  providers: readonly string[]
}

/** The catalog's spelling of each value the model gave, or nothing for values it does not know. */
function normalise(f: z.infer<typeof ModelAnswer>['filters'], vocabulary: ModelVocabulary): OfferFilters {
  const out: OfferFilters = {}
  if (f.provider && vocabulary.providers.includes(f.provider.toLowerCase())) out.provider = f.provider.toLowerCase()
  const key = f.gpu_model ? gpuModelKey(f.gpu_model) : null
  if (key && GPU_MODELS[key]) {
    const memory = gpuModelMemoryGb(f.gpu_model!)
    out.gpu_model = GPU_MODELS[key] + (memory ? ` ${memory}GB` : '')
  }
  const country = f.country ? findCountry(f.country) : null
  if (country) out.country = country.name
  const continent = f.continent ? findContinent(f.continent) : null
  if (continent) out.continent = continent
  const city = f.city ? vocabulary.cities.find((c) => c.toLowerCase() === f.city!.trim().toLowerCase()) : undefined
  if (city) out.city = city
  for (const k of ['min_gpu_count', 'min_vcpu', 'min_memory_gb', 'max_price_hourly', 'max_price_monthly'] as const) {
    const v = f[k]
    if (v !== null && v > 0) out[k] = v
  }
  return out
}

export async function parseOfferQueryWithModel(
  question: string,
  deterministic: ParsedOfferQuery,
  vocabulary: ModelVocabulary,
): Promise<ParsedOfferQuery | null> {
  const apiKey = env('OPENAI_API_KEY')
  if (!apiKey) return null
  try {
    const client = new OpenAI({ apiKey, baseURL: env('OPENAI_BASE_URL'), maxRetries: 0, timeout: 10_000 })
    const completion = await client.chat.completions.parse({
      model: env('CHAT_MODEL') ?? 'gpt-4o-mini',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: question },
      ],
      response_format: zodResponseFormat(ModelAnswer, 'offer_query'),
    })
    const answer = completion.choices[0]?.message?.parsed
    if (!answer) return null
    const merged = ParsedOfferQuery.safeParse({
      filters: { ...normalise(answer.filters, vocabulary), ...deterministic.filters },
      sort: deterministic.sort === 'price' || answer.sort === 'price' ? 'price' : 'similarity',
      text: answer.text?.trim() ? answer.text.trim().slice(0, 500) : null,
    })
    if (!merged.success) return null
    return merged.data.text ? merged.data : { ...merged.data, sort: 'price' }
  } catch (error) {
    console.warn(JSON.stringify({ level: 'warn', service: 'openai', purpose: 'offer_query', message: (error as Error).message }))
    return null
  }
}
