// The site a widget request names: its active config, domain row and business; and who may use it.
// A browser names its page in the Origin header: the config's allowed_origins decide. A native app
// sends no Origin: it is let in with the site's public app key (X-App-Key, customer_configs.
// native_app_key), and refused when the site has none, exactly as before. Whether the store is
// connected comes from private.site_credentials (the sealed keys stay there; store.ts opens them).
import { db } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'

export interface Site {
  config_id: string
  customer_id: string
  domain_id: string
  domain: string
  business_name: string | null
  business_description: string | null
  primary_color: string
  welcome_message: string | null
  suggested_questions: string[]
  rate_limit: number
  site_rate_limit: number
  allowed_origins: string[]
  native_app_key: string | null
  woocommerce_url: string | null
  has_store_credentials: boolean
}

export async function loadSite(domain: string): Promise<Site> {
  const [site] = await db()<Site[]>`
    select c.id as config_id, c.customer_id, d.id as domain_id, d.domain, c.business_name, c.business_description, c.primary_color,
           c.welcome_message, c.suggested_questions, c.rate_limit, c.site_rate_limit, c.allowed_origins, c.native_app_key, c.woocommerce_url,
           (k.woocommerce_consumer_key is not null and k.woocommerce_consumer_secret is not null) as has_store_credentials
    from sites.customer_configs c
    -- Served only from the verified claim on the host, with its owner's config (docs/sites.md, domain verification).
    join sites.domains d on d.domain = c.domain and d.active and d.verified_at is not null
      and d.user_id = (select cu.auth_user_id from sites.customers cu where cu.id = c.customer_id)
    left join private.site_credentials k on k.config_id = c.id
    where c.domain = ${domain} and c.active`
  if (!site) throw new ApiError(404, 'site_not_found', `No active chat widget for ${domain}`)
  return site
}

/** An Origin is allowed when the config lists it (scheme://host[:port]) or lists '*'. */
export function originAllowed(site: Site, origin: string | undefined): boolean {
  if (site.allowed_origins.includes('*')) return true
  if (!origin) return false
  return site.allowed_origins.some((allowed) => allowed.replace(/\/$/, '').toLowerCase() === origin.toLowerCase())
}

/**
 * The caller may use the widget. A browser (Origin present), or a caller that sends neither Origin
 * nor app key: allowed_origins decide, as before ('*' = any caller). A native app (no Origin, an
 * X-App-Key): the site must have an app key and this must be it.
 */
export function requireCaller(site: Site, origin: string | undefined, appKey: string | undefined): void {
  if (origin !== undefined || appKey === undefined) {
    if (!originAllowed(site, origin)) throw new ApiError(403, 'origin_not_allowed', `Origin ${origin ?? '(none)'} may not use the widget of ${site.domain}`)
    return
  }
  if (site.native_app_key === null) {
    if (originAllowed(site, undefined)) return
    throw new ApiError(403, 'origin_not_allowed', `${site.domain} does not let native apps use its widget`)
  }
  if (appKey !== site.native_app_key) throw new ApiError(403, 'invalid_app_key', `That is not the app key of ${site.domain}`)
}
