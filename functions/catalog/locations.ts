// Location vocabulary of offer questions: countries (ISO 3166-1 alpha-2 and alpha-3 codes, the
// English short name the catalog's regions use, and a few common other names) and continents.
// The same countries are seeded into private.country_codes (migration 20261203020000), which
// normalises cloud.search_instances' country_filter for every caller; a test keeps the two equal.

export interface Country {
  alpha2: string
  alpha3: string
  name: string
  /** Other names people type (lower case matching; never a code). */
  aliases?: string[]
}

// Every country with a cloud region at a provider the catalog lists, and their neighbours.
export const COUNTRIES: Country[] = [
  { alpha2: 'AE', alpha3: 'ARE', name: 'United Arab Emirates', aliases: ['UAE', 'Emirates'] },
  { alpha2: 'AR', alpha3: 'ARG', name: 'Argentina' },
  { alpha2: 'AT', alpha3: 'AUT', name: 'Austria' },
  { alpha2: 'AU', alpha3: 'AUS', name: 'Australia' },
  { alpha2: 'BE', alpha3: 'BEL', name: 'Belgium' },
  { alpha2: 'BG', alpha3: 'BGR', name: 'Bulgaria' },
  { alpha2: 'BH', alpha3: 'BHR', name: 'Bahrain' },
  { alpha2: 'BR', alpha3: 'BRA', name: 'Brazil' },
  { alpha2: 'CA', alpha3: 'CAN', name: 'Canada' },
  { alpha2: 'CH', alpha3: 'CHE', name: 'Switzerland' },
  { alpha2: 'CL', alpha3: 'CHL', name: 'Chile' },
  { alpha2: 'CN', alpha3: 'CHN', name: 'China' },
  { alpha2: 'CO', alpha3: 'COL', name: 'Colombia' },
  { alpha2: 'CY', alpha3: 'CYP', name: 'Cyprus' },
  { alpha2: 'CZ', alpha3: 'CZE', name: 'Czechia', aliases: ['Czech Republic'] },
  { alpha2: 'DE', alpha3: 'DEU', name: 'Germany', aliases: ['Deutschland'] },
  { alpha2: 'DK', alpha3: 'DNK', name: 'Denmark' },
  { alpha2: 'EE', alpha3: 'EST', name: 'Estonia' },
  { alpha2: 'EG', alpha3: 'EGY', name: 'Egypt' },
  { alpha2: 'ES', alpha3: 'ESP', name: 'Spain' },
  { alpha2: 'FI', alpha3: 'FIN', name: 'Finland' },
  { alpha2: 'FR', alpha3: 'FRA', name: 'France' },
  { alpha2: 'GB', alpha3: 'GBR', name: 'United Kingdom', aliases: ['UK', 'Great Britain', 'Britain', 'England'] },
  { alpha2: 'GR', alpha3: 'GRC', name: 'Greece' },
  { alpha2: 'HK', alpha3: 'HKG', name: 'Hong Kong' },
  { alpha2: 'HR', alpha3: 'HRV', name: 'Croatia' },
  { alpha2: 'HU', alpha3: 'HUN', name: 'Hungary' },
  { alpha2: 'ID', alpha3: 'IDN', name: 'Indonesia' },
  { alpha2: 'IE', alpha3: 'IRL', name: 'Ireland' },
  { alpha2: 'IL', alpha3: 'ISR', name: 'Israel' },
  { alpha2: 'IN', alpha3: 'IND', name: 'India' },
  { alpha2: 'IS', alpha3: 'ISL', name: 'Iceland' },
  { alpha2: 'IT', alpha3: 'ITA', name: 'Italy' },
  { alpha2: 'JP', alpha3: 'JPN', name: 'Japan' },
  { alpha2: 'KE', alpha3: 'KEN', name: 'Kenya' },
  { alpha2: 'KR', alpha3: 'KOR', name: 'South Korea', aliases: ['Korea', 'Republic of Korea'] },
  { alpha2: 'KW', alpha3: 'KWT', name: 'Kuwait' },
  { alpha2: 'KZ', alpha3: 'KAZ', name: 'Kazakhstan' },
  { alpha2: 'LT', alpha3: 'LTU', name: 'Lithuania' },
  { alpha2: 'LU', alpha3: 'LUX', name: 'Luxembourg' },
  { alpha2: 'LV', alpha3: 'LVA', name: 'Latvia' },
  { alpha2: 'MA', alpha3: 'MAR', name: 'Morocco' },
  { alpha2: 'MX', alpha3: 'MEX', name: 'Mexico' },
  { alpha2: 'MY', alpha3: 'MYS', name: 'Malaysia' },
  { alpha2: 'NG', alpha3: 'NGA', name: 'Nigeria' },
  { alpha2: 'NL', alpha3: 'NLD', name: 'Netherlands', aliases: ['Holland', 'The Netherlands'] },
  { alpha2: 'NO', alpha3: 'NOR', name: 'Norway' },
  { alpha2: 'NZ', alpha3: 'NZL', name: 'New Zealand' },
  { alpha2: 'OM', alpha3: 'OMN', name: 'Oman' },
  { alpha2: 'PE', alpha3: 'PER', name: 'Peru' },
  { alpha2: 'PH', alpha3: 'PHL', name: 'Philippines' },
  { alpha2: 'PK', alpha3: 'PAK', name: 'Pakistan' },
  { alpha2: 'PL', alpha3: 'POL', name: 'Poland' },
  { alpha2: 'PT', alpha3: 'PRT', name: 'Portugal' },
  { alpha2: 'QA', alpha3: 'QAT', name: 'Qatar' },
  { alpha2: 'RO', alpha3: 'ROU', name: 'Romania' },
  { alpha2: 'RS', alpha3: 'SRB', name: 'Serbia' },
  { alpha2: 'SA', alpha3: 'SAU', name: 'Saudi Arabia' },
  { alpha2: 'SE', alpha3: 'SWE', name: 'Sweden' },
  { alpha2: 'SG', alpha3: 'SGP', name: 'Singapore' },
  { alpha2: 'SI', alpha3: 'SVN', name: 'Slovenia' },
  { alpha2: 'SK', alpha3: 'SVK', name: 'Slovakia' },
  { alpha2: 'TH', alpha3: 'THA', name: 'Thailand' },
  { alpha2: 'TR', alpha3: 'TUR', name: 'Türkiye', aliases: ['Turkey'] },
  { alpha2: 'TW', alpha3: 'TWN', name: 'Taiwan' },
  { alpha2: 'UA', alpha3: 'UKR', name: 'Ukraine' },
  { alpha2: 'US', alpha3: 'USA', name: 'United States', aliases: ['United States of America'] },
  { alpha2: 'UY', alpha3: 'URY', name: 'Uruguay' },
  { alpha2: 'VN', alpha3: 'VNM', name: 'Vietnam' },
  { alpha2: 'ZA', alpha3: 'ZAF', name: 'South Africa' },
]

export interface Continent {
  name: string
  aliases: string[]
}

/** The continents cloud.regions uses; "EU" is Europe here (the ISO list has no country EU). */
export const CONTINENTS: Continent[] = [
  { name: 'Africa', aliases: [] },
  { name: 'Antarctica', aliases: [] },
  { name: 'Asia', aliases: [] },
  { name: 'Europe', aliases: ['EU', 'European'] },
  { name: 'North America', aliases: ['N. America'] },
  { name: 'Oceania', aliases: ['Australasia'] },
  { name: 'South America', aliases: ['LatAm', 'Latin America', 'S. America'] },
]

const byCode = new Map<string, Country>()
const byName = new Map<string, Country>()
for (const c of COUNTRIES) {
  byCode.set(c.alpha2, c)
  byCode.set(c.alpha3, c)
  byName.set(c.name.toLowerCase(), c)
  for (const a of c.aliases ?? []) byName.set(a.toLowerCase(), c)
}

/** The country a code (any case) or name means, else null. */
export function findCountry(value: string): Country | null {
  const v = value.trim()
  return byCode.get(v.toUpperCase()) ?? byName.get(v.toLowerCase()) ?? null
}

/** The continent a name or alias (any case) means, else null. */
export function findContinent(value: string): string | null {
  const v = value.trim().toLowerCase()
  return CONTINENTS.find((c) => c.name.toLowerCase() === v || c.aliases.some((a) => a.toLowerCase() === v))?.name ?? null
}
