import type { ProviderAdapter } from './types.ts'
import { aws } from './aws.ts'
import { azure } from './azure.ts'
import { digitalocean } from './digitalocean.ts'
import { gcp } from './gcp.ts'
import { hetzner } from './hetzner.ts'
import { lambdalabs } from './lambdalabs.ts'
import { linode } from './linode.ts'
import { runpod } from './runpod.ts'
import { vultr } from './vultr.ts'

export const PROVIDER_ADAPTERS: ProviderAdapter[] = [digitalocean, hetzner, vultr, linode, azure, gcp, lambdalabs, runpod, aws]

export { aws, azure, digitalocean, gcp, hetzner, lambdalabs, linode, runpod, vultr }
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
