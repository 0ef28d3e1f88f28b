// Currency rates for comparing offers in one currency: the ECB euro reference rates, read through
// Frankfurter (https://frankfurter.dev, public, no key) as units per 1 USD:
// GET /v1/latest?base=USD -> {amount: 1, base: "USD", date: "2026-11-30", rates: {"EUR": 0.8632, ...}}.
// Errors are {message}.
import { type AdapterContext, UpstreamError, getJson, joinUrl, num } from './providers/types.ts'

const SOURCE = 'currency_rates'
export const RATES_BASE_URL = 'https://api.frankfurter.dev'

export interface RatesSnapshot {
  date: string
  rates: Record<string, number>
}

export async function fetchUsdRates(ctx: Omit<AdapterContext, 'token'>): Promise<RatesSnapshot> {
  const { body } = await getJson<{ base?: unknown; date?: unknown; rates?: unknown }>(
    { ...ctx, token: undefined }, SOURCE, joinUrl(ctx.baseUrl, '/v1/latest', { base: 'USD' }))
  if (body.base !== 'USD' || typeof body.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(body.date)) {
    throw new UpstreamError(SOURCE, 502, 'response has no USD base or date')
  }
  if (!body.rates || typeof body.rates !== 'object') throw new UpstreamError(SOURCE, 502, 'response has no rates object')
  const rates: Record<string, number> = {}
  for (const [currency, value] of Object.entries(body.rates as Record<string, unknown>)) {
    const n = num(value)
    if (/^[A-Z]{3}$/.test(currency) && n !== null && n > 0) rates[currency] = n
  }
  return { date: body.date, rates }
}
