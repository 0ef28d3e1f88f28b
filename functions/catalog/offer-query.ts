// The deterministic parser of offer questions (GET /catalog/instances?q=..., the assistant): what
// it recognises becomes the RPC's filters, what is left (when any meaningful word is) becomes the
// semantic query text. Pure: no database, no network; the cities and providers the catalog knows
// come in as a vocabulary.
//
// Recognised: GPU model and count ("8x A100", "2 H100s", "A100 80GB", "a100-80gb", "8 GPUs", "GPU"),
// vCPUs ("16 vcpu", "16 cores"), memory ("64GB RAM", "at least 32 GB memory", a bare "64 GB"),
// price ceilings ("under $2/h", "below 500 USD per month", "max $3 an hour"; without a unit: the
// question's "hourly"/"monthly" word, else below 20 hourly and from 20 monthly), countries (names
// and aliases in any case; ISO alpha-2/alpha-3 codes after "in"/"at"/"from", or upper case
// US/USA/UK/UAE anywhere), continents ("Europe", "EU", "North America", ...), cities of the
// vocabulary, providers ("AWS", "Google Cloud", "Lambda", ...), and "cheapest"/"lowest price"
// (sort by price). With "cheapest", or with no text left, the answer is cheapest first; otherwise
// by similarity of the text left.
import { z } from 'zod'
import { GPU_MODELS, gpuModelKey } from './gpu-models.ts'
import { CONTINENTS, COUNTRIES, findCountry } from './locations.ts'

/** The filters a question can set (names and meaning of GET /catalog/instances' parameters). */
export const OfferFilters = z
  .object({
    provider: z.string().min(1).max(64),
    gpu_model: z.string().min(1).max(128),
    min_gpu_count: z.number().int().min(0).max(1024),
    min_vcpu: z.number().int().min(1).max(100_000),
    min_memory_gb: z.number().positive().max(1_000_000),
    max_price_hourly: z.number().positive(),
    max_price_monthly: z.number().positive(),
    country: z.string().min(1).max(128),
    city: z.string().min(1).max(128),
    continent: z.string().min(1).max(64),
  })
  .partial()
  .strict()
export type OfferFilters = z.infer<typeof OfferFilters>

export const OfferSort = z.enum(['price', 'similarity'])

/** A parsed question: filters, order, and the text left for the embedding (null: none). */
export const ParsedOfferQuery = z
  .object({
    filters: OfferFilters,
    sort: OfferSort,
    text: z.string().min(1).max(500).nullable(),
  })
  .strict()
export type ParsedOfferQuery = z.infer<typeof ParsedOfferQuery>

export interface OfferVocabulary {
  /** City names of the catalog's regions (any case). */
  cities?: readonly string[]
  /** Provider keys of the catalog (lower case); recognised by name beside the built-in aliases. */
  providers?: readonly string[]
}

/** Provider names people type -> the catalog's provider key. */
const PROVIDER_ALIASES: Record<string, string> = {
  'amazon web services': 'aws', amazon: 'aws', aws: 'aws', ec2: 'aws',
  'google cloud platform': 'gcp', 'google cloud': 'gcp', google: 'gcp', gcp: 'gcp', gce: 'gcp',
  'microsoft azure': 'azure', azure: 'azure',
  'digital ocean': 'digitalocean', digitalocean: 'digitalocean',
  hetzner: 'hetzner', vultr: 'vultr', linode: 'linode', akamai: 'linode',
  'lambda labs': 'lambdalabs', 'lambda cloud': 'lambdalabs', lambdalabs: 'lambdalabs', lambda: 'lambdalabs',
  runpod: 'runpod', 'run pod': 'runpod',
}

/** Words that carry no meaning for the embedding once the filters are out. */
const STOP_WORDS = new Set(
  ('a an the in at on from of for with and or to me my i we us our you show find give get list need want wanted looking ' +
    'search please any some what which where is are there that this those these can could would like offer offers instance ' +
    'instances server servers machine machines vm vms node nodes box boxes option options deal deals price prices priced ' +
    'cost costs costing available per each hour hours month months hourly monthly than less under below max maximum most ' +
    'least at-least minimum min up over more with without plus having has have by sorted sort order ordered cloud clouds ' +
    'provider providers region regions location located based gpu gpus card cards x all only just about around')
    .split(' '),
)

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** A phrase as a regex source: words separated by any spaces, whole words only. */
const phrase = (p: string) => `(?<![\\p{L}\\p{N}])${p.trim().split(/\s+/).map(escape).join('\\s+')}(?![\\p{L}\\p{N}])`

const anyPhrase = (list: string[]) => list.map(phrase).join('|')

const round = (n: number) => Math.round(n * 10_000) / 10_000

class Scanner {
  /** The question, lower case; consumed spans are blanked in both copies. */
  lower: string
  original: string

  constructor(q: string) {
    // One code unit per character either way, so indices agree between the two copies.
    this.original = q.normalize('NFKC').replace(/[\u0130\u1E9E]/g, ' ')
    this.lower = this.original.toLowerCase()
  }

  /** Every match of re (flags gu added) in what is left; each match consumed when fn returns true. */
  take(source: string, fn: (m: RegExpExecArray, original: string) => boolean): void {
    const re = new RegExp(source, 'giu')
    for (const m of [...this.lower.matchAll(re)]) {
      const original = this.original.slice(m.index, m.index + m[0].length)
      if (fn(m as RegExpExecArray, original)) this.blank(m.index!, m[0].length)
    }
  }

  blank(at: number, length: number) {
    const spaces = ' '.repeat(length)
    this.lower = this.lower.slice(0, at) + spaces + this.lower.slice(at + length)
    this.original = this.original.slice(0, at) + spaces + this.original.slice(at + length)
  }
}

const NUMBER = '(\\d+(?:[.,]\\d+)?)'
const num = (s: string) => Number(s.replace(',', '.'))
// A model as typed: optional vendor word, then the model's words with optional spaces/dashes
// between them ("rtx 4090", "rtx-6000 ada", "mi300x"), an optional plural s, an optional memory
// size, an optional form factor (SXM, PCIe, NVL: not a filter).
// GeForce cards ("RTX 4090") are also named by their number alone ("4090").
const GPU_NAMES = Object.values(GPU_MODELS).sort((a, b) => b.length - a.length)
const gpuNamePattern = (name: string) => {
  const words = name.toLowerCase().split(' ').map(escape)
  return /^rtx \d{4}$/i.test(name) ? `(?:rtx[\\s-]?)?${words[1]}` : words.join('[\\s-]?')
}
const GPU_MODEL_SOURCE = `(?:(?:nvidia|amd|tesla|geforce|instinct)\\s+)?(${GPU_NAMES.map(gpuNamePattern).join('|')})(?:'?s)?(?:[\\s-]*(\\d+)\\s*gb)?(?:[\\s-]*(?:sxm\\d?|pcie|nvl))?`

export function parseOfferQuery(question: string, vocabulary: OfferVocabulary = {}): ParsedOfferQuery {
  const s = new Scanner(question)
  const filters: OfferFilters = {}
  let sort: 'price' | 'similarity' = 'similarity'

  // Order by price.
  s.take(anyPhrase(['cheapest', 'lowest price', 'lowest prices', 'lowest cost', 'best price', 'best prices', 'best deal', 'least expensive', 'most affordable', 'by price', 'cheap', 'budget', 'inexpensive', 'affordable']), () => {
    sort = 'price'
    return true
  })

  // Price ceilings. The unit: explicit, else the question's hourly/monthly word, else by size.
  const wantsHourly = /(?<![\p{L}])(hourly|per hour|an hour|a hour|\/h|\/hr)(?![\p{L}])/iu.test(s.lower)
  const wantsMonthly = /(?<![\p{L}])(monthly|per month|a month|\/mo|\/month)(?![\p{L}])/iu.test(s.lower)
  const ceiling = (amount: number, unit: string | undefined) => {
    const hourly = unit ? /^(h|hr|hrs|hour|hours|hourly)$/.test(unit) : wantsHourly || (!wantsMonthly && amount < 20)
    if (hourly) filters.max_price_hourly = round(amount)
    else filters.max_price_monthly = round(amount)
  }
  const UNIT = '(?:\\s*(?:/|per|an?|each)\\s*(h|hr|hrs|hour|hours|mo|mon|month|months)(?![\\p{L}])|\\s*(hourly|monthly)(?![\\p{L}]))'
  const CURRENCY_BEFORE = '(?:\\$|usd|us\\$|€|eur)'
  const CURRENCY_AFTER = '(?:\\$|usd|dollars?|€|eur|euros?)'
  s.take(
    `(?:under|below|less than|cheaper than|at most|max(?:imum)?|up to|no more than|within|<=?)\\s*${CURRENCY_BEFORE}?\\s*${NUMBER}\\s*${CURRENCY_AFTER}?${UNIT}?`,
    (m) => {
      ceiling(num(m[1]), m[2] ?? m[3])
      return true
    },
  )
  // "$2/h", "2 USD per hour" without a ceiling word: still a ceiling.
  s.take(`${CURRENCY_BEFORE}\\s*${NUMBER}\\s*${CURRENCY_AFTER}?${UNIT}`, (m) => {
    ceiling(num(m[1]), m[2] ?? m[3])
    return true
  })
  s.take(`(?<![\\p{L}\\p{N}])${NUMBER}\\s*${CURRENCY_AFTER}${UNIT}`, (m) => {
    ceiling(num(m[1]), m[2] ?? m[3])
    return true
  })
  s.take(anyPhrase(['hourly', 'monthly', 'per hour', 'per month', 'an hour', 'a month']), () => true)

  // GPUs: "8x A100", "8 x A100 80GB", "2 H100s", "A100 x8", "A100".
  s.take(`(?:(\\d+)\\s*(?:x|×|\\*)?\\s*)?${GPU_MODEL_SOURCE}(?:\\s*(?:x|×|\\*)\\s*(\\d+))?(?:\\s+gpus?)?`, (m) => {
    const before = m.index === 0 ? '' : s.lower[m.index - 1]
    if (before && /[\p{L}\p{N}]/u.test(before)) return false
    const after = s.lower[m.index + m[0].length] ?? ''
    if (after && /[\p{L}\p{N}]/u.test(after)) return false
    const key = gpuModelKey(m[2])
    const model = key ? (GPU_MODELS[key] ?? GPU_MODELS[`rtx${key}`]) : undefined
    if (!model) return false
    filters.gpu_model = model + (m[3] ? ` ${m[3]}GB` : '')
    const count = m[1] ?? m[4]
    if (count && Number(count) > 0) filters.min_gpu_count = Number(count)
    return true
  })
  s.take(`(?<![\\p{L}\\p{N}])(?:single|one)\\s+gpu(?![\\p{L}\\p{N}])`, () => {
    filters.min_gpu_count ??= 1
    return true
  })
  s.take(`(?<![\\p{L}\\p{N}])(\\d+)\\s*(?:x\\s*)?gpus?(?![\\p{L}\\p{N}])`, (m) => {
    filters.min_gpu_count = Math.max(filters.min_gpu_count ?? 0, Number(m[1]))
    return true
  })
  s.take(`(?<![\\p{L}\\p{N}])(?:with\\s+(?:a\\s+)?)?gpus?(?![\\p{L}\\p{N}])`, () => {
    if (filters.min_gpu_count === undefined && !filters.gpu_model) filters.min_gpu_count = 1
    return true
  })

  // vCPUs and memory.
  s.take(`(?:at least|min(?:imum)?|>=?)?\\s*(?<![\\p{L}\\p{N}.])(\\d+)\\s*(?:-\\s*)?(?:v\\s?cpus?|vcores?|cpus?|cores?|threads?)(?![\\p{L}\\p{N}])`, (m) => {
    filters.min_vcpu = Number(m[1])
    return true
  })
  s.take(`(?:at least|min(?:imum)?|>=?)?\\s*(?<![\\p{L}\\p{N}.])${NUMBER}\\s*(gb|gib|g|tb|tib)\\s*(?:of\\s+)?(?:ram|memory|mem)?(?![\\p{L}\\p{N}])`, (m) => {
    const gb = num(m[1]) * (/^t/.test(m[2]) ? 1024 : 1)
    filters.min_memory_gb = round(gb)
    return true
  })
  s.take(`(?:ram|memory)\\s*(?:of|:|>=?|at least)?\\s*${NUMBER}\\s*(gb|gib|g|tb|tib)(?![\\p{L}\\p{N}])`, (m) => {
    filters.min_memory_gb = round(num(m[1]) * (/^t/.test(m[2]) ? 1024 : 1))
    return true
  })

  // Providers (longest names first).
  const providerNames = { ...PROVIDER_ALIASES }
  for (const p of vocabulary.providers ?? []) providerNames[p.toLowerCase()] ??= p.toLowerCase()
  for (const name of Object.keys(providerNames).sort((a, b) => b.length - a.length)) {
    s.take(phrase(name), () => {
      filters.provider ??= providerNames[name]
      return true
    })
  }

  // Continents, then countries (names, aliases, codes), then cities.
  const continentNames = CONTINENTS.flatMap((c) => [c.name, ...c.aliases].map((n) => [n, c.name] as const)).sort((a, b) => b[0].length - a[0].length)
  for (const [name, continent] of continentNames) {
    s.take(phrase(name.toLowerCase()), () => {
      filters.continent ??= continent
      return true
    })
  }
  const countryNames = COUNTRIES.flatMap((c) => [c.name, ...(c.aliases ?? [])].map((n) => [n, c.name] as const)).sort((a, b) => b[0].length - a[0].length)
  for (const [name, country] of countryNames) {
    s.take(phrase(name.toLowerCase()), () => {
      filters.country ??= country
      return true
    })
  }
  s.take(`(?<![\\p{L}\\p{N}])(in|at|from|near)\\s+([a-z]{2,3})(?![\\p{L}\\p{N}])`, (m) => {
    const c = findCountry(m[2])
    if (!c || (m[2].length === 3 && c.alpha3.toLowerCase() !== m[2])) return false
    filters.country ??= c.name
    return true
  })
  s.take(`(?<![\\p{L}\\p{N}])(us|usa)(?![\\p{L}\\p{N}])`, (_m, original) => {
    if (original !== original.toUpperCase()) return false
    filters.country ??= 'United States'
    return true
  })
  const cities = [...(vocabulary.cities ?? [])].filter((c) => c.trim()).sort((a, b) => b.length - a.length)
  for (const city of cities) {
    s.take(phrase(city.toLowerCase()), () => {
      filters.city ??= city
      return true
    })
  }

  // What is left: meaningful words become the text for the embedding.
  const left = s.original.split(/[^\p{L}\p{N}+#.-]+/u).map((w) => w.replace(/^[.-]+|[.-]+$/g, '')).filter(Boolean)
  const meaningful = left.filter((w) => !STOP_WORDS.has(w.toLowerCase()) && !/^\d+([.,]\d+)?$/.test(w))
  const text = meaningful.length ? meaningful.join(' ').slice(0, 500) : null
  if (!text) sort = 'price'
  return { filters, sort, text }
}
