import type { ProviderAdapter } from './types.ts'
import { digitalocean } from './digitalocean.ts'
import { hetzner } from './hetzner.ts'
import { linode } from './linode.ts'
import { vultr } from './vultr.ts'

export const PROVIDER_ADAPTERS: ProviderAdapter[] = [digitalocean, hetzner, vultr, linode]

export { digitalocean, hetzner, linode, vultr }
export { fetchPackages, ARTIFACTHUB_BASE_URL } from './artifacthub.ts'
export { UpstreamError } from './types.ts'
export type {
  AdapterContext,
  InstanceRecord,
  PackageRecord,
  PackageSnapshot,
  ProviderAdapter,
  ProviderSnapshot,
  RegionRecord,
} from './types.ts'
