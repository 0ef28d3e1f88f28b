// The offer question parser on its own (no database): what a question becomes as filters, order
// and the text left for the embedding; and the GPU key rule it shares with private.gpu_model_key.
import { describe, expect, it } from 'vitest'
import { gpuModelKey, gpuModelMemoryGb } from '../../functions/catalog/gpu-models.ts'
import { findContinent, findCountry } from '../../functions/catalog/locations.ts'
import { parseOfferQuery } from '../../functions/catalog/offer-query.ts'

const vocabulary = { cities: ['Frankfurt', 'New York', 'Tokyo', 'Salt Lake City', 'Singapore', 'Sao Paulo'] }
const parse = (q: string) => parseOfferQuery(q, vocabulary)

describe('parseOfferQuery', () => {
  it('"cheapest A100 in Europe": A100, Europe, by price, no text left', () => {
    expect(parse('cheapest A100 in Europe')).toEqual({ filters: { gpu_model: 'A100', continent: 'Europe' }, sort: 'price', text: null })
  })

  it('"cheap 4090 in usa": the RTX 4090, the United States, by price', () => {
    expect(parse('cheap 4090 in usa')).toEqual({ filters: { gpu_model: 'RTX 4090', country: 'United States' }, sort: 'price', text: null })
  })

  it('a number that is not a card stays a number: "under 4090 a month" is a price ceiling', () => {
    expect(parse('16 vcpu under 4090 a month').filters).toEqual({ min_vcpu: 16, max_price_monthly: 4090 })
  })

  it.each([
    ['8x A100', { gpu_model: 'A100', min_gpu_count: 8 }],
    ['8 x A100', { gpu_model: 'A100', min_gpu_count: 8 }],
    ['2 H100s', { gpu_model: 'H100', min_gpu_count: 2 }],
    ['A100 80GB', { gpu_model: 'A100 80GB' }],
    ['a100-80gb', { gpu_model: 'A100 80GB' }],
    ['NVIDIA A100 80GB', { gpu_model: 'A100 80GB' }],
    ['nvidia a100', { gpu_model: 'A100' }],
    ['4x rtx 4090', { gpu_model: 'RTX 4090', min_gpu_count: 4 }],
    ['RTX 6000 Ada', { gpu_model: 'RTX 6000 Ada' }],
    ['L40S', { gpu_model: 'L40S' }],
    ['L4', { gpu_model: 'L4' }],
    ['AMD MI300X', { gpu_model: 'MI300X' }],
    ['8 GPUs', { min_gpu_count: 8 }],
    ['H100 SXM', { gpu_model: 'H100' }],
    ['a100-80gb-pcie', { gpu_model: 'A100 80GB' }],
    ['A100 80GB single GPU', { gpu_model: 'A100 80GB', min_gpu_count: 1 }],
    ['a GPU', { min_gpu_count: 1 }],
    // GeForce cards are named by their number alone: "4090" is the RTX 4090.
    ['4090', { gpu_model: 'RTX 4090' }],
    ['2x 5090', { gpu_model: 'RTX 5090', min_gpu_count: 2 }],
    ['geforce 3090', { gpu_model: 'RTX 3090' }],
  ])('GPU: %s', (q, filters) => {
    expect(parse(q).filters).toEqual(filters)
  })

  it.each([
    ['16 vcpu', { min_vcpu: 16 }],
    ['16 vCPUs', { min_vcpu: 16 }],
    ['16 cores', { min_vcpu: 16 }],
    ['64GB RAM', { min_memory_gb: 64 }],
    ['at least 32 GB memory', { min_memory_gb: 32 }],
    ['memory 128 GB', { min_memory_gb: 128 }],
    ['16 cores 64 GB', { min_vcpu: 16, min_memory_gb: 64 }],
  ])('shape: %s', (q, filters) => {
    expect(parse(q).filters).toEqual(filters)
  })

  it.each([
    ['under $2/h', { max_price_hourly: 2 }],
    ['under $2 per hour', { max_price_hourly: 2 }],
    ['below 1.5 USD an hour', { max_price_hourly: 1.5 }],
    ['under $500/month', { max_price_monthly: 500 }],
    ['under $500 per month', { max_price_monthly: 500 }],
    ['max 40 dollars a month', { max_price_monthly: 40 }],
    ['under $3 hourly', { max_price_hourly: 3 }],
    ['under $300 monthly', { max_price_monthly: 300 }],
    ['$2/h', { max_price_hourly: 2 }],
    ['under $2', { max_price_hourly: 2 }],
    ['under $200', { max_price_monthly: 200 }],
    ['under $50, hourly billing', { max_price_hourly: 50 }],
  ])('price: %s', (q, filters) => {
    expect(parse(q).filters).toEqual(filters)
  })

  it.each([
    ['in DE', { country: 'Germany' }],
    ['in de', { country: 'Germany' }],
    ['in DEU', { country: 'Germany' }],
    ['in Germany', { country: 'Germany' }],
    ['germany', { country: 'Germany' }],
    ['in the UK', { country: 'United Kingdom' }],
    ['US', { country: 'United States' }],
    ['in USA', { country: 'United States' }],
    ['Europe', { continent: 'Europe' }],
    ['EU', { continent: 'Europe' }],
    ['north america', { continent: 'North America' }],
    ['in Frankfurt', { city: 'Frankfurt' }],
    ['new york', { city: 'New York' }],
    ['Salt Lake City', { city: 'Salt Lake City' }],
    ['in Singapore', { country: 'Singapore' }],
  ])('location: %s', (q, filters) => {
    expect(parse(q).filters).toEqual(filters)
  })

  it.each([
    ['on AWS', { provider: 'aws' }],
    ['google cloud', { provider: 'gcp' }],
    ['Lambda', { provider: 'lambdalabs' }],
    ['Hetzner', { provider: 'hetzner' }],
    ['digital ocean', { provider: 'digitalocean' }],
  ])('provider: %s', (q, filters) => {
    expect(parse(q).filters).toEqual(filters)
  })

  it('the pronoun "us" and the preposition "in" are not countries; "gb" after a number is memory, not Britain', () => {
    expect(parse('show us servers in stock').filters).toEqual({})
    expect(parse('64 gb').filters).toEqual({ min_memory_gb: 64 })
    expect(parse('a 100 GB machine').filters).toEqual({ min_memory_gb: 100 })
  })

  it('leaves the meaningful rest as the semantic text, sorted by similarity', () => {
    expect(parse('GPU server for LLM fine-tuning in Europe')).toEqual({
      filters: { min_gpu_count: 1, continent: 'Europe' }, sort: 'similarity', text: 'LLM fine-tuning',
    })
    expect(parse('memory optimized instances for redis, 64GB RAM')).toEqual({
      filters: { min_memory_gb: 64 }, sort: 'similarity', text: 'memory optimized redis',
    })
  })

  it('"cheapest" sorts by price even with text left; a question of filters only sorts by price', () => {
    expect(parse('cheapest H100 for training')).toEqual({ filters: { gpu_model: 'H100' }, sort: 'price', text: 'training' })
    expect(parse('2 H100s in DE under $10/h')).toEqual({
      filters: { gpu_model: 'H100', min_gpu_count: 2, country: 'Germany', max_price_hourly: 10 }, sort: 'price', text: null,
    })
  })

  it('"best price" sorts by price', () => {
    expect(parse('best price for 8xH100')).toEqual({ filters: { gpu_model: 'H100', min_gpu_count: 8 }, sort: 'price', text: null })
  })

  it('the full combination', () => {
    expect(parse('cheapest 8x H100 80GB with 96 vcpus and at least 512 GB RAM on AWS in the US under $100/h')).toEqual({
      filters: {
        gpu_model: 'H100 80GB', min_gpu_count: 8, min_vcpu: 96, min_memory_gb: 512, provider: 'aws', country: 'United States', max_price_hourly: 100,
      },
      sort: 'price',
      text: null,
    })
  })
})

describe('GPU model keys and locations', () => {
  it.each([
    ['A100', 'a100'], ['a100', 'a100'], ['NVIDIA A100', 'a100'], ['NVIDIA A100 80GB', 'a100'], ['a100-80gb', 'a100'],
    ['NVIDIA A100-SXM4-80GB', 'a100'], ['NVIDIA A100 80GB PCIe', 'a100'], ['H100 NVL', 'h100'], ['RTX 6000 Ada', 'rtx6000ada'],
    ['NVIDIA RTX 6000 Ada Generation', 'rtx6000ada'], ['A10G', 'a10g'], ['L40S', 'l40s'], ['AMD Instinct MI300X', 'mi300x'],
  ])('%s -> %s', (model, key) => {
    expect(gpuModelKey(model)).toBe(key)
  })
  it('memory sizes in names; nothing left is no key', () => {
    expect(gpuModelMemoryGb('A100 80GB')).toBe(80)
    expect(gpuModelMemoryGb('a100-40gb')).toBe(40)
    expect(gpuModelMemoryGb('A100')).toBeNull()
    expect(gpuModelKey('NVIDIA 80GB')).toBeNull()
  })
  it('countries by alpha-2, alpha-3 and name in any case; continents by alias', () => {
    for (const v of ['DE', 'de', 'DEU', 'Germany', 'GERMANY']) expect(findCountry(v)?.name).toBe('Germany')
    expect(findCountry('Atlantis')).toBeNull()
    expect(findContinent('eu')).toBe('Europe')
    expect(findContinent('europe')).toBe('Europe')
    expect(findContinent('Atlantis')).toBeNull()
  })
})
