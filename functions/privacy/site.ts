// The site a privacy request names: the verified claim on that host (unverified claims take no
// requests), the origins its pages are served from, and its owner's email (told of each request).
// Origins: the owner's widget config lists them (customer_configs.allowed_origins, '*' = any); a
// site without a widget config accepts its own https:// and http:// origins.
import { db } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'

export interface PrivacySite {
  id: string
  domain: string
  owner_email: string | null
  allowed_origins: string[]
}

export async function loadVerifiedSite(domain: string): Promise<PrivacySite> {
  const [site] = await db()<PrivacySite[]>`
    select d.id, d.domain, u.email as owner_email,
           coalesce((select c.allowed_origins from sites.customer_configs c join sites.customers cu on cu.id = c.customer_id
                     where c.domain = d.domain and cu.auth_user_id = d.user_id order by c.created_at limit 1),
                    array['https://' || d.domain, 'http://' || d.domain]) as allowed_origins
    from sites.domains d left join auth.users u on u.id = d.user_id
    where d.domain = ${domain} and d.active and d.verified_at is not null`
  if (!site) throw new ApiError(404, 'site_not_found', `No site ${domain}`)
  return site
}

/** The request comes from one of the site's pages (a browser names it in Origin); '*' admits any caller. */
export function requireSiteOrigin(site: PrivacySite, origin: string | undefined): void {
  if (site.allowed_origins.includes('*')) return
  const allowed = origin !== undefined && site.allowed_origins.some((o) => o.replace(/\/$/, '').toLowerCase() === origin.toLowerCase())
  if (!allowed) throw new ApiError(403, 'origin_not_allowed', `Privacy requests for ${site.domain} are taken from its own pages only`)
}
