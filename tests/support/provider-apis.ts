// One loopback HTTP server that speaks the public catalog APIs of DigitalOcean (/do), Hetzner Cloud
// (/hetzner), Vultr (/vultr), Linode (/linode), Lambda Cloud (/lambda), RunPod GraphQL (/runpod), the
// Azure Retail Prices API (/azure) and ArtifactHub (/artifacthub) in their documented
// JSON shapes, pagination schemes and error formats. Each API caps its page size well below what the
// adapters ask for (as the real ones cap at their documented maximum), so every list spans 2+ pages.
import { Hono, type Context } from 'hono'
import { listenOnLoopback } from './listen.ts'

type Json = Record<string, unknown>
export type ProviderName = 'digitalocean' | 'hetzner' | 'vultr' | 'linode' | 'lambdalabs' | 'runpod' | 'azure' | 'artifacthub' | 'frankfurter' | 'gcp'

export interface FixtureData {
  digitalocean: { sizes: Json[]; regions: Json[] }
  hetzner: { server_types: Json[]; locations: Json[] }
  vultr: { plans: Json[]; regions: Json[] }
  linode: { types: Json[]; regions: Json[] }
  /** Lambda: instance-types answer entries by type name. */
  lambdalabs: { instance_types: Record<string, Json> }
  runpod: { gpuTypes: Json[] }
  /** Azure: retail price meters, in API order. */
  azure: { items: Json[] }
  /** GCP Cloud Billing Catalog: Compute Engine SKUs. */
  gcp: { skus: Json[] }
  /** Frankfurter GET /v1/latest?base=USD. */
  frankfurter: { latest: { amount: number; base: string; date: string; rates: Record<string, number> } }
  /** Full package detail objects; the search endpoint answers with their summary fields. */
  artifacthub: { packages: Json[] }
}

export interface ProviderApis {
  baseUrls: Record<ProviderName, string>
  requests: { provider: string; path: string; auth?: string }[]
  setFailure(provider: string, status: number | undefined): void
  mutate(fn: (data: FixtureData) => void): void
  data: FixtureData
  close(): Promise<void>
}

export const TEST_TOKEN = 'test-token'

// Server-side page size caps (the real maxima are 200 / 50 / 500 / 500 / 60).
export const PAGE_CAPS: Record<ProviderName, number> = {
  digitalocean: 4, hetzner: 2, vultr: 3, linode: 2, lambdalabs: 0, runpod: 0, azure: 4, artifacthub: 4, frankfurter: 0, gcp: 3,
}

const PREFIX: Record<ProviderName, string> = {
  digitalocean: '/do',
  hetzner: '/hetzner',
  vultr: '/vultr',
  linode: '/linode',
  lambdalabs: '/lambda',
  runpod: '/runpod',
  azure: '/azure',
  artifacthub: '/artifacthub',
  frankfurter: '/frankfurter',
  gcp: '/gcp',
}

// ---------------------------------------------------------------- fixtures

const doSize = (
  slug: string, vcpus: number, memory: number, disk: number, transfer: number, monthly: number, hourly: number,
  description: string, regions: string[], extra: Json = {},
): Json => ({
  slug, memory, vcpus, disk, transfer, price_monthly: monthly, price_hourly: hourly, regions, available: true, description,
  disk_info: [{ type: 'local', size: { amount: disk, unit: 'gib' } }], ...extra,
})

const doRegion = (slug: string, name: string, sizes: string[], available = true): Json => ({
  slug, name, sizes, available,
  features: ['backups', 'ipv6', 'metadata', 'install_agent', 'storage', 'image_transfer'],
})

const hPrice = (location: string, hourly: string, monthly: string, tib = 20): Json => ({
  location,
  price_hourly: { net: (Number(hourly) / 1.19).toFixed(10), gross: hourly },
  price_monthly: { net: (Number(monthly) / 1.19).toFixed(10), gross: monthly },
  included_traffic: tib * 1024 ** 4,
  price_per_tb_traffic: { net: '1.0000000000', gross: '1.1900000000000000' },
})

const hType = (
  id: number, name: string, cores: number, memory: number, disk: number, cpu_type: string, architecture: string,
  prices: Json[], extra: Json = {},
): Json => ({
  id, name, description: name.toUpperCase(), cores, memory, disk, deprecated: false, prices,
  storage_type: 'local', cpu_type, architecture, deprecation: null, ...extra,
})

const hLocation = (id: number, name: string, description: string, country: string, city: string, lat: number, lon: number, zone: string): Json => ({
  id, name, description, country, city, latitude: lat, longitude: lon, network_zone: zone,
})

const vPlan = (
  id: string, vcpu: number, ram: number, disk: number, bandwidth: number, monthly: number, type: string,
  locations: string[], extra: Json = {},
): Json => ({
  id, vcpu_count: vcpu, ram, disk, disk_count: 1, bandwidth, monthly_cost: monthly,
  hourly_cost: Math.round((monthly / 730) * 1000) / 1000, type, locations, ...extra,
})

const lType = (
  id: string, label: string, cls: string, vcpus: number, memory: number, disk: number, transfer: number,
  network_out: number, hourly: number, monthly: number, gpus = 0, region_prices: Json[] = [],
): Json => ({
  id, label, class: cls, vcpus, memory, disk, transfer, network_out, gpus, successor: null, accelerated_devices: 0,
  price: { hourly, monthly }, region_prices,
  addons: { backups: { price: { hourly: Math.round(monthly / 4 / 730 * 1000) / 1000, monthly: monthly / 4 }, region_prices: [] } },
})

const lRegion = (id: string, label: string, country: string, gpu: boolean, status = 'ok'): Json => ({
  id, label, country, status, site_type: 'core',
  capabilities: ['Linodes', 'Block Storage', 'Object Storage', 'Cloud Firewall', 'Vlans', ...(gpu ? ['GPU Linodes'] : [])],
  resolvers: { ipv4: '172.105.0.5,172.105.3.5', ipv6: '2600:3c02::5' },
})

const lambdaRegion = (name: string, description: string): Json => ({ name, description })
const lambdaType = (
  name: string, description: string, gpu: string, cents: number, vcpus: number, memory: number, storage: number, gpus: number,
  regions: Json[],
): Json => ({
  instance_type: {
    name, description, gpu_description: gpu, price_cents_per_hour: cents,
    specs: { vcpus, memory_gib: memory, storage_gib: storage, gpus },
  },
  regions_with_capacity_available: regions,
})

const runpodGpu = (
  id: string, displayName: string, memoryInGb: number, securePrice: number | null, communityPrice: number | null, maxGpuCount = 8,
  manufacturer = 'Nvidia',
): Json => ({
  id, displayName, manufacturer, memoryInGb, maxGpuCount,
  secureCloud: securePrice !== null, communityCloud: communityPrice !== null,
  securePrice: securePrice ?? 0, communityPrice: communityPrice ?? 0,
})

// One Azure retail meter, as https://prices.azure.com/api/retail/prices returns it.
const azureMeter = (
  armSkuName: string, skuName: string, productName: string, armRegionName: string, location: string, retailPrice: number,
  extra: Json = {},
): Json => ({
  currencyCode: 'USD', tierMinimumUnits: 0.0, retailPrice, unitPrice: retailPrice, armRegionName, location,
  effectiveStartDate: '2024-05-01T00:00:00Z', meterId: `${armSkuName}-${armRegionName}-${skuName}`.toLowerCase(),
  meterName: skuName, productId: 'DZH318Z0CSHK', skuId: 'DZH318Z0CSHK/00TG', productName, skuName,
  serviceName: 'Virtual Machines', serviceId: 'DZH313Z7MMC8', serviceFamily: 'Compute', unitOfMeasure: '1 Hour',
  type: 'Consumption', isPrimaryMeterRegion: true, armSkuName, ...extra,
})

// One Compute Engine SKU, as the Cloud Billing Catalog API lists it (price = units + nanos / 1e9).
const gcpSku = (
  skuId: string, description: string, resourceFamily: string, resourceGroup: string, usageType: string, serviceRegions: string[],
  usageUnit: string, nanos: number, units = '0',
): Json => ({
  name: `services/6F81-5844-456A/skus/${skuId}`, skuId, description,
  category: { serviceDisplayName: 'Compute Engine', resourceFamily, resourceGroup, usageType },
  serviceRegions,
  pricingInfo: [{
    summary: '',
    pricingExpression: {
      usageUnit, displayQuantity: 1, usageUnitDescription: usageUnit === 'h' ? 'hour' : 'gibibyte hour',
      baseUnit: usageUnit === 'h' ? 's' : 'By.s', baseUnitDescription: usageUnit === 'h' ? 'second' : 'byte second',
      baseUnitConversionFactor: usageUnit === 'h' ? 3600 : 3865470566400,
      tieredRates: [{ startUsageAmount: 0, unitPrice: { currencyCode: 'USD', units, nanos } }],
    },
    currencyConversionRate: 1, effectiveTime: '2026-11-30T08:00:00.000Z',
  }],
  serviceProviderName: 'Google',
  geoTaxonomy: { type: 'REGIONAL', regions: serviceRegions },
})

const ahRepo = (name: string, display: string, url: string, org: string | null, verified: boolean, official: boolean): Json => ({
  repository_id: `${name}-0000-4000-8000-000000000000`.slice(0, 36),
  kind: 0, name, display_name: display, url, verified_publisher: verified, official, cncf: false, scanner_disabled: false,
  ...(org ? { organization_name: org, organization_display_name: display } : { user_alias: name }),
})

const ahPackage = (
  name: string, repo: Json, version: string, appVersion: string, extra: Json,
): Json => ({
  package_id: `${name}-1111-4111-8111-111111111111`.slice(0, 36),
  name, normalized_name: name, display_name: name, description: `${name} Helm chart`,
  logo_image_id: `logo-${name}`, stars: 10, official: false, cncf: false, is_operator: false,
  version, app_version: appVersion, license: 'Apache-2.0', deprecated: false, signed: false, prerelease: false,
  contains_security_updates: false, has_values_schema: true, has_changelog: true,
  digest: `sha256:${name.padEnd(64, '0').slice(0, 64)}`,
  keywords: [name, 'kubernetes'], home_url: `https://${name}.example.org`,
  readme: `# ${name}\n\nInstall with \`helm install ${name} ${repo.name}/${name}\`.`,
  links: [{ name: 'source', url: `https://github.com/example/${name}` }],
  available_versions: [
    { version, contains_security_updates: false, prerelease: false, ts: 1763000000 },
    { version: '0.1.0', contains_security_updates: false, prerelease: false, ts: 1700000000 },
  ],
  containers_images: [{ name: name, image: `docker.io/example/${name}:${appVersion}`, whitelisted: false }],
  content_url: `${repo.url}/${name}-${version}.tgz`,
  security_report_summary: { critical: 0, high: 1, medium: 2, low: 3, unknown: 0 },
  production_organizations_count: 1,
  ts: 1763000000, repository: repo, ...extra,
})

export function createFixtures(): FixtureData {
  const doRegions = ['nyc1', 'nyc3', 'sfo3', 'ams3', 'fra1', 'tor1']
  const gpuRegions = ['nyc2', 'tor1']
  const bitnami = ahRepo('bitnami', 'Bitnami', 'https://charts.bitnami.com/bitnami', 'bitnami', true, true)
  const promRepo = ahRepo('prometheus-community', 'Prometheus Community', 'https://prometheus-community.github.io/helm-charts', 'prometheus', true, false)
  const jetstack = ahRepo('cert-manager', 'cert-manager', 'https://charts.jetstack.io', 'cert-manager', true, true)
  const strimzi = ahRepo('strimzi', 'Strimzi', 'https://strimzi.io/charts', 'strimzi', true, false)
  const stable = ahRepo('stable', 'Helm stable', 'https://charts.helm.sh/stable', null, false, false)
  return {
    digitalocean: {
      sizes: [
        doSize('s-1vcpu-1gb', 1, 1024, 25, 1, 6, 0.00893, 'Basic', doRegions),
        doSize('s-2vcpu-4gb-intel', 2, 4096, 80, 4, 28, 0.04167, 'Premium Intel', doRegions),
        doSize('s-2vcpu-4gb-amd', 2, 4096, 80, 4, 28, 0.04167, 'Premium AMD', doRegions),
        doSize('c-4', 4, 8192, 50, 5, 84, 0.125, 'CPU-Optimized', ['nyc1', 'ams3', 'fra1']),
        doSize('m-2vcpu-16gb', 2, 16384, 50, 4, 84, 0.125, 'Memory-Optimized', ['nyc3', 'sfo3']),
        doSize('gpu-h100x1-80gb', 20, 245760, 720, 15, 2522.16, 3.39, 'H100 GPU - 1X', gpuRegions, {
          gpu_info: { count: 1, vram: { amount: 80, unit: 'gib' }, model: 'nvidia_h100' },
          disk_info: [{ type: 'local', size: { amount: 720, unit: 'gib' } }, { type: 'scratch', size: { amount: 5120, unit: 'gib' } }],
        }),
        doSize('gpu-h100x8-640gb', 160, 1966080, 2046, 60, 17796.48, 23.92, 'H100 GPU - 8X', gpuRegions, {
          gpu_info: { count: 8, vram: { amount: 640, unit: 'gib' }, model: 'nvidia_h100' },
          disk_info: [{ type: 'local', size: { amount: 2046, unit: 'gib' } }, { type: 'scratch', size: { amount: 40960, unit: 'gib' } }],
        }),
        // Retired sizes stay listed with available=false.
        { ...doSize('512mb', 1, 512, 20, 1, 5, 0.00744, 'Legacy Basic', []), available: false },
      ],
      regions: [
        doRegion('nyc1', 'New York 1', ['s-1vcpu-1gb', 'c-4']),
        doRegion('nyc3', 'New York 3', ['s-1vcpu-1gb', 'm-2vcpu-16gb']),
        doRegion('sfo3', 'San Francisco 3', ['s-1vcpu-1gb', 'm-2vcpu-16gb']),
        doRegion('ams3', 'Amsterdam 3', ['s-1vcpu-1gb', 'c-4']),
        doRegion('fra1', 'Frankfurt 1', ['s-1vcpu-1gb', 'c-4']),
        doRegion('tor1', 'Toronto 1', ['s-1vcpu-1gb', 'gpu-h100x1-80gb', 'gpu-h100x8-640gb']),
      ],
    },
    hetzner: {
      server_types: [
        hType(22, 'cx22', 2, 4, 40, 'shared', 'x86', [
          hPrice('fsn1', '0.0071000000000000', '4.5100000000000000'),
          hPrice('nbg1', '0.0071000000000000', '4.5100000000000000'),
          hPrice('hel1', '0.0071000000000000', '4.5100000000000000'),
        ]),
        hType(23, 'cpx11', 2, 2, 40, 'shared', 'x86', [
          hPrice('fsn1', '0.0083000000000000', '5.1800000000000000'),
          hPrice('ash', '0.0095000000000000', '5.9400000000000000', 1),
          hPrice('sin', '0.0131000000000000', '8.1700000000000000', 1),
        ]),
        hType(45, 'cax11', 2, 4, 40, 'shared', 'arm', [
          hPrice('fsn1', '0.0071000000000000', '4.5100000000000000'),
          hPrice('hel1', '0.0071000000000000', '4.5100000000000000'),
        ]),
        hType(96, 'ccx13', 2, 8, 80, 'dedicated', 'x86', [
          hPrice('hil', '0.0251000000000000', '15.6500000000000000', 1),
          hPrice('fsn1', '0.0226000000000000', '14.2700000000000000'),
          hPrice('ash', '0.0251000000000000', '15.6500000000000000', 1),
        ]),
        hType(1, 'cx11', 1, 2, 20, 'shared', 'x86', [hPrice('nbg1', '0.0060000000000000', '3.7900000000000000')], {
          deprecated: true,
          deprecation: { announced: '2024-06-06T08:00:00+00:00', unavailable_after: '2026-12-01T00:00:00+00:00' },
        }),
      ],
      locations: [
        hLocation(1, 'fsn1', 'Falkenstein DC Park 1', 'DE', 'Falkenstein', 50.47612, 12.370071, 'eu-central'),
        hLocation(2, 'nbg1', 'Nuremberg DC Park 1', 'DE', 'Nuremberg', 49.452102, 11.076665, 'eu-central'),
        hLocation(3, 'hel1', 'Helsinki DC Park 1', 'FI', 'Helsinki', 60.169855, 24.938379, 'eu-central'),
        hLocation(4, 'ash', 'Ashburn, VA', 'US', 'Ashburn, VA', 39.045821, -77.487073, 'us-east'),
        hLocation(5, 'hil', 'Hillsboro, OR', 'US', 'Hillsboro, OR', 45.54222, -122.951924, 'us-west'),
        hLocation(6, 'sin', 'Singapore', 'SG', 'Singapore', 1.283333, 103.833333, 'ap-southeast'),
      ],
    },
    vultr: {
      plans: [
        vPlan('vc2-1c-1gb', 1, 1024, 25, 1024, 5, 'vc2', ['ewr', 'ord', 'lax', 'ams', 'fra', 'sgp']),
        vPlan('vc2-2c-4gb', 2, 4096, 80, 3072, 20, 'vc2', ['ewr', 'ord', 'ams', 'fra']),
        vPlan('vhf-1c-2gb', 1, 2048, 64, 2048, 12, 'vhf', ['ewr', 'lax', 'sgp']),
        vPlan('vhp-2c-4gb-amd', 2, 4096, 100, 4096, 24, 'vhp', ['ewr', 'fra']),
        vPlan('vcg-a100-1c-6g-4vram', 1, 6144, 70, 1024, 90, 'vcg', ['ewr', 'ams'], { gpu_vram_gb: 4, gpu_type: 'NVIDIA_A100' }),
        vPlan('vcg-l40s-32c-375g-96vram', 32, 384000, 1200, 10240, 2555, 'vcg', ['ord', 'lax'], { gpu_vram_gb: 96, gpu_type: 'NVIDIA_L40S' }),
      ],
      regions: [
        { id: 'ewr', city: 'New Jersey', country: 'US', continent: 'North America', options: ['ddos_protection', 'block_storage_high_perf'] },
        { id: 'ord', city: 'Chicago', country: 'US', continent: 'North America', options: ['ddos_protection'] },
        { id: 'lax', city: 'Los Angeles', country: 'US', continent: 'North America', options: ['ddos_protection'] },
        { id: 'ams', city: 'Amsterdam', country: 'NL', continent: 'Europe', options: ['ddos_protection'] },
        { id: 'fra', city: 'Frankfurt', country: 'DE', continent: 'Europe', options: ['ddos_protection'] },
        { id: 'sgp', city: 'Singapore', country: 'SG', continent: 'Asia', options: ['ddos_protection'] },
      ],
    },
    linode: {
      types: [
        lType('g6-nanode-1', 'Nanode 1GB', 'nanode', 1, 1024, 25600, 1000, 1000, 0.0075, 5, 0, [
          { id: 'id-cgk', hourly: 0.009, monthly: 6 },
          { id: 'br-gru', hourly: 0.0105, monthly: 7 },
        ]),
        lType('g6-standard-2', 'Linode 4GB', 'standard', 2, 4096, 81920, 4000, 4000, 0.036, 24),
        lType('g6-dedicated-4', 'Dedicated 8GB', 'dedicated', 4, 8192, 163840, 5000, 5000, 0.108, 72),
        lType('g7-highmem-1', 'Linode 24GB', 'highmem', 2, 24576, 20480, 5000, 5000, 0.09, 60),
        lType('g1-gpu-rtx6000-2', 'Dedicated 64GB + RTX6000 GPU x2', 'gpu', 16, 65536, 1310720, 20000, 10000, 3, 2000, 2),
        lType('g2-gpu-rtx4000a1-s', 'RTX4000 Ada x1 Small', 'gpu', 4, 16384, 512000, 1000, 10000, 0.52, 350, 1),
      ],
      regions: [
        lRegion('us-east', 'Newark, NJ', 'us', true),
        lRegion('us-west', 'Fremont, CA', 'us', false),
        lRegion('eu-west', 'London, UK', 'gb', false),
        lRegion('eu-central', 'Frankfurt, DE', 'de', true),
        lRegion('ap-south', 'Singapore, SG', 'sg', true),
        lRegion('id-cgk', 'Jakarta, ID', 'id', false, 'outage'),
      ],
    },
    lambdalabs: {
      instance_types: {
        gpu_1x_a10: lambdaType('gpu_1x_a10', '1x A10 (24 GB PCIe)', 'A10 (24 GB PCIe)', 75, 30, 200, 1400, 1, [
          lambdaRegion('us-east-1', 'Virginia, USA'), lambdaRegion('us-west-1', 'California, USA'),
        ]),
        gpu_1x_a100_sxm4: lambdaType('gpu_1x_a100_sxm4', '1x A100 (40 GB SXM4)', 'A100 (40 GB SXM4)', 129, 30, 200, 512, 1, [
          lambdaRegion('europe-central-1', 'Germany'),
        ]),
        gpu_8x_a100_80gb_sxm4: lambdaType('gpu_8x_a100_80gb_sxm4', '8x A100 (80 GB SXM4)', 'A100 (80 GB SXM4)', 1432, 240, 1800, 19500, 8, [
          lambdaRegion('us-east-1', 'Virginia, USA'), lambdaRegion('europe-central-1', 'Germany'),
        ]),
        gpu_8x_h100_sxm5: lambdaType('gpu_8x_h100_sxm5', '8x H100 (80 GB SXM5)', 'H100 (80 GB SXM5)', 2392, 208, 1800, 22000, 8, [
          lambdaRegion('us-south-1', 'Texas, USA'),
        ]),
        // Listed, but no capacity anywhere right now.
        gpu_1x_gh200: lambdaType('gpu_1x_gh200', '1x GH200 (96 GB)', 'GH200 (96 GB)', 149, 64, 432, 4096, 1, []),
      },
    },
    runpod: {
      gpuTypes: [
        runpodGpu('NVIDIA H100 80GB HBM3', 'H100 SXM', 80, 2.69, 2.39),
        runpodGpu('NVIDIA A100 80GB PCIe', 'A100 PCIe', 80, 1.64, 1.19),
        runpodGpu('NVIDIA GeForce RTX 4090', 'RTX 4090', 24, 0.69, 0.34),
        runpodGpu('NVIDIA RTX A6000', 'RTX A6000', 48, null, 0.33),
        runpodGpu('AMD Instinct MI300X OAM', 'MI300X', 192, 2.49, null, 8, 'AMD'),
        // Not rentable anywhere: no offer.
        runpodGpu('NVIDIA A40', 'A40', 48, null, null),
      ],
    },
    azure: {
      items: [
        azureMeter('Standard_D2s_v5', 'D2s v5', 'Virtual Machines Dsv5 Series', 'eastus', 'US East', 0.096),
        azureMeter('Standard_D2s_v5', 'D2s v5', 'Virtual Machines Dsv5 Series Windows', 'eastus', 'US East', 0.188),
        azureMeter('Standard_D2s_v5', 'D2s v5 Spot', 'Virtual Machines Dsv5 Series', 'eastus', 'US East', 0.0192),
        azureMeter('Standard_D2s_v5', 'D2s v5', 'Virtual Machines Dsv5 Series', 'westeurope', 'EU West', 0.107),
        azureMeter('Standard_D2s_v5', 'D2s v5 Low Priority', 'Virtual Machines Dsv5 Series', 'westeurope', 'EU West', 0.0214),
        azureMeter('Standard_D4as_v5', 'D4as v5', 'Virtual Machines Dasv5 Series', 'westeurope', 'EU West', 0.194),
        azureMeter('Standard_D4as_v5', 'D4as v5', 'Virtual Machines Dasv5 Series', 'germanywestcentral', 'DE West Central', 0.2),
        azureMeter('Standard_E8-4ds_v5', 'E8-4ds v5', 'Virtual Machines Edsv5 Series', 'eastus', 'US East', 0.576),
        azureMeter('Standard_NC24ads_A100_v4', 'NC24ads A100 v4', 'Virtual Machines NCadsA100v4 Series', 'eastus', 'US East', 3.673),
        azureMeter('Standard_NC24ads_A100_v4', 'NC24ads A100 v4', 'Virtual Machines NCadsA100v4 Series', 'westeurope', 'EU West', 4.04),
        azureMeter('Standard_ND96isr_H100_v5', 'ND96isr H100 v5', 'Virtual Machines NDH100v5 Series', 'eastus', 'US East', 98.32),
        // A reservation-style meter with another unit: not an hourly VM price.
        azureMeter('Standard_D2s_v5', 'D2s v5', 'Virtual Machines Dsv5 Series', 'eastus', 'US East', 841, { unitOfMeasure: '1 Year', type: 'Reservation' }),
      ],
    },
    gcp: {
      skus: [
        gcpSku('0C5C-D8E4-38C1', 'N2 Instance Core running in Americas', 'Compute', 'CPU', 'OnDemand', ['us-central1', 'us-east1'], 'h', 31611000),
        gcpSku('BB77-5FDA-6FA0', 'N2 Instance Ram running in Americas', 'Compute', 'RAM', 'OnDemand', ['us-central1', 'us-east1'], 'GiBy.h', 4237000),
        gcpSku('9A5C-2B0E-1F3A', 'N2 Instance Core running in Frankfurt', 'Compute', 'CPU', 'OnDemand', ['europe-west3'], 'h', 40710000),
        gcpSku('2E49-3A6C-8D1B', 'N2 Instance Ram running in Frankfurt', 'Compute', 'RAM', 'OnDemand', ['europe-west3'], 'GiBy.h', 5455000),
        // Spot and committed-use SKUs of the same family are not the on-demand price.
        gcpSku('1D2E-7F4A-0B9C', 'Spot Preemptible N2 Instance Core running in Americas', 'Compute', 'CPU', 'Preemptible', ['us-central1'], 'h', 7650000),
        gcpSku('5C3B-1A2D-9E8F', 'Commitment v1: N2 Cpu in Americas for 1 Year', 'Compute', 'CPU', 'Commit1Yr', ['us-central1'], 'h', 19915000),
        gcpSku('CF4E-A0C3-E3F2', 'E2 Instance Core running in Americas', 'Compute', 'CPU', 'OnDemand', ['us-central1'], 'h', 21811590),
        gcpSku('F449-33EC-A5EF', 'E2 Instance Ram running in Americas', 'Compute', 'RAM', 'OnDemand', ['us-central1'], 'GiBy.h', 2923530),
        gcpSku('1A9C-6B22-4F0D', 'N2 Custom Instance Core running in Americas', 'Compute', 'CPU', 'OnDemand', ['us-central1'], 'h', 33191550),
        gcpSku('2E27-4F7C-3C5A', 'A2 Instance Core running in Americas', 'Compute', 'CPU', 'OnDemand', ['us-central1'], 'h', 31611000),
        gcpSku('3D1C-0E4B-7A2F', 'A2 Instance Ram running in Americas', 'Compute', 'RAM', 'OnDemand', ['us-central1'], 'GiBy.h', 4237000),
        gcpSku('039F-D0DA-4055', 'Nvidia Tesla A100 GPU running in Americas', 'GPU', 'GPU', 'OnDemand', ['us-central1'], 'h', 933908000, '2'),
        // A storage SKU: not compute.
        gcpSku('D973-5D65-BAB2', 'Storage PD Capacity', 'Storage', 'PDStandard', 'OnDemand', ['us-central1'], 'GiBy.mo', 40000000),
      ],
    },
    frankfurter: {
      latest: { amount: 1.0, base: 'USD', date: '2026-11-30', rates: { AUD: 1.5327, CHF: 0.8041, EUR: 0.8632, GBP: 0.7563, JPY: 156.21, SGD: 1.3004 } },
    },
    artifacthub: {
      packages: [
        ahPackage('postgresql', bitnami, '16.4.2', '17.2.0', { category: 2, stars: 210, official: true, signed: true, production_organizations_count: 12 }),
        ahPackage('redis', bitnami, '20.6.0', '7.4.1', { category: 2, stars: 150, signed: true }),
        ahPackage('kube-prometheus-stack', promRepo, '66.3.1', 'v0.78.2', {
          category: 4, stars: 320, is_operator: true, capabilities: 'Deep Insights', cncf: true,
        }),
        ahPackage('cert-manager', jetstack, 'v1.16.2', 'v1.16.2', { category: 6, stars: 280, official: true, cncf: true, license: null }),
        ahPackage('strimzi-kafka-operator', strimzi, '0.45.0', '0.45.0', {
          category: 8, stars: 45, is_operator: true, capabilities: 'Full Lifecycle', prerelease: false,
        }),
        ahPackage('nginx-ingress', stable, '1.41.3', 'v0.34.1', { stars: 5, deprecated: true, has_values_schema: false, license: null }),
        ahPackage('grafana', promRepo, '8.8.2', '11.4.0', {
          category: 4, stars: 190, contains_security_updates: true,
          available_versions: [{ version: '8.8.2', contains_security_updates: true, prerelease: false, ts: 1763000000 }],
        }),
      ],
    },
  }
}

// ---------------------------------------------------------------- errors, in each API's format

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' }

function errorBody(provider: ProviderName, status: number): Json {
  const text = STATUS_TEXT[status] ?? 'Error'
  switch (provider) {
    case 'digitalocean':
      return status === 401
        ? { id: 'unauthorized', message: 'Unable to authenticate you' }
        : { id: status >= 500 ? 'server_error' : 'error', message: text, request_id: 'loopback' }
    case 'hetzner':
      return { error: { code: status === 401 ? 'unauthorized' : status >= 500 ? 'server_error' : 'error', message: status === 401 ? 'unable to authenticate' : text, details: {} } }
    case 'vultr':
      return { error: status === 401 ? 'Invalid API token.' : text, status }
    case 'linode':
      return { errors: [{ reason: status === 401 ? 'Invalid Token' : text }] }
    case 'lambdalabs':
      return { error: { code: status === 401 ? 'global/invalid-api-key' : 'global/unknown', message: status === 401 ? 'API key was invalid, expired, or deleted.' : text } }
    case 'runpod':
      return { errors: [{ message: status === 401 ? 'Unauthorized' : text }] }
    case 'azure':
      return { Error: { Code: status >= 500 ? 'InternalServerError' : 'BadRequest', Message: text } }
    case 'gcp':
      return { error: { code: status, message: status === 400 || status === 403 ? 'API key not valid. Please pass a valid API key.' : text, status: status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT' } }
    case 'artifacthub':
    case 'frankfurter':
      return { message: text }
  }
}

// ---------------------------------------------------------------- server

export async function startProviderApis(): Promise<ProviderApis> {
  const data = createFixtures()
  const requests: ProviderApis['requests'] = []
  const failures = new Map<string, number>()
  const app = new Hono()

  const intParam = (c: Context, name: string, fallback: number) => {
    const v = Number(c.req.query(name))
    return Number.isInteger(v) && v > 0 ? v : fallback
  }

  // Record, fail on demand, and enforce auth, in that order; returns a response to short-circuit.
  const gate = (c: Context, provider: ProviderName, auth: 'required' | 'optional' | 'none') => {
    const url = new URL(c.req.url)
    const header = c.req.header('authorization')
    requests.push({ provider, path: url.pathname.slice(PREFIX[provider].length) + url.search, auth: header })
    const failure = failures.get(provider)
    if (failure) return c.json(errorBody(provider, failure), failure as 500)
    const valid = header === `Bearer ${TEST_TOKEN}`
    if ((auth === 'required' && !valid) || (auth === 'optional' && header !== undefined && !valid)) {
      return c.json(errorBody(provider, 401), 401)
    }
    return null
  }

  // DigitalOcean: ?page=&per_page=, {<key>: [...], links: {pages: {first, prev, next, last}}, meta: {total}}
  const doList = (key: 'sizes' | 'regions') => (c: Context) => {
    const denied = gate(c, 'digitalocean', 'required')
    if (denied) return denied
    const all = data.digitalocean[key]
    const perPage = Math.min(intParam(c, 'per_page', 20), PAGE_CAPS.digitalocean)
    const page = intParam(c, 'page', 1)
    const last = Math.max(1, Math.ceil(all.length / perPage))
    const link = (p: number) => {
      const u = new URL(c.req.url)
      u.searchParams.set('page', String(p))
      u.searchParams.set('per_page', String(perPage))
      return u.toString()
    }
    const pages: Json = {}
    if (page > 1) Object.assign(pages, { first: link(1), prev: link(page - 1) })
    if (page < last) Object.assign(pages, { next: link(page + 1), last: link(last) })
    return c.json({ [key]: all.slice((page - 1) * perPage, page * perPage), links: { pages }, meta: { total: all.length } })
  }
  app.get('/do/v2/sizes', doList('sizes'))
  app.get('/do/v2/regions', doList('regions'))

  // Hetzner: ?page=&per_page=, {<key>: [...], meta: {pagination: {page, per_page, previous_page, next_page, last_page, total_entries}}}
  const hetznerList = (key: 'server_types' | 'locations') => (c: Context) => {
    const denied = gate(c, 'hetzner', 'required')
    if (denied) return denied
    const all = data.hetzner[key]
    const perPage = Math.min(intParam(c, 'per_page', 25), PAGE_CAPS.hetzner)
    const page = intParam(c, 'page', 1)
    const last = Math.max(1, Math.ceil(all.length / perPage))
    return c.json({
      [key]: all.slice((page - 1) * perPage, page * perPage),
      meta: {
        pagination: {
          page, per_page: perPage, previous_page: page > 1 ? page - 1 : null, next_page: page < last ? page + 1 : null,
          last_page: last, total_entries: all.length,
        },
      },
    })
  }
  app.get('/hetzner/v1/server_types', hetznerList('server_types'))
  app.get('/hetzner/v1/locations', hetznerList('locations'))

  // Vultr: ?per_page=&cursor=, {<key>: [...], meta: {total, links: {next, prev}}} with opaque cursors.
  const cursorFor = (offset: number) => btoa(`next__${offset}`)
  const offsetOf = (cursor: string | undefined) => (cursor ? Number(atob(cursor).replace('next__', '')) || 0 : 0)
  const vultrList = (key: 'plans' | 'regions') => (c: Context) => {
    const denied = gate(c, 'vultr', 'required')
    if (denied) return denied
    const all = data.vultr[key]
    const perPage = Math.min(intParam(c, 'per_page', 100), PAGE_CAPS.vultr)
    const offset = offsetOf(c.req.query('cursor'))
    const end = offset + perPage
    return c.json({
      [key]: all.slice(offset, end),
      meta: { total: all.length, links: { next: end < all.length ? cursorFor(end) : '', prev: offset > 0 ? btoa(`prev__${offset}`) : '' } },
    })
  }
  app.get('/vultr/v2/plans', vultrList('plans'))
  app.get('/vultr/v2/regions', vultrList('regions'))

  // Linode: ?page=&page_size=, {data: [...], page, pages, results}; public, but a bad token is rejected.
  const linodeList = (key: 'types' | 'regions') => (c: Context) => {
    const denied = gate(c, 'linode', 'optional')
    if (denied) return denied
    const all = data.linode[key]
    const pageSize = Math.min(intParam(c, 'page_size', 100), PAGE_CAPS.linode)
    const page = intParam(c, 'page', 1)
    return c.json({
      data: all.slice((page - 1) * pageSize, page * pageSize),
      page, pages: Math.max(1, Math.ceil(all.length / pageSize)), results: all.length,
    })
  }
  app.get('/linode/v4/linode/types', linodeList('types'))
  app.get('/linode/v4/regions', linodeList('regions'))

  // Lambda: one unpaged answer {data: {<name>: {instance_type, regions_with_capacity_available}}}.
  app.get('/lambda/api/v1/instance-types', (c) => {
    const denied = gate(c, 'lambdalabs', 'required')
    if (denied) return denied
    return c.json({ data: data.lambdalabs.instance_types })
  })

  // RunPod: POST /graphql {query}; answers the gpuTypes fields the query asks for.
  app.post('/runpod/graphql', async (c) => {
    const denied = gate(c, 'runpod', 'required')
    if (denied) return denied
    const { query } = (await c.req.json()) as { query?: string }
    const selection = /gpuTypes\s*\{([^}]*)\}/.exec(query ?? '')
    if (!selection) return c.json({ errors: [{ message: 'Cannot query: expected gpuTypes' }] }, 400)
    const fields = selection[1].split(/\s+/).filter(Boolean)
    const unknown = fields.filter((f) => !(f in (data.runpod.gpuTypes[0] ?? {})))
    if (unknown.length) return c.json({ errors: [{ message: `Cannot query field "${unknown[0]}" on type "GpuType".` }] }, 400)
    return c.json({ data: { gpuTypes: data.runpod.gpuTypes.map((g) => Object.fromEntries(fields.map((f) => [f, g[f]]))) } })
  })

  // Azure Retail Prices: public; $filter (the subset the adapter sends), $skip paging with an
  // absolute NextPageLink (null on the last page), {BillingCurrency, CustomerEntityId, Items, NextPageLink, Count}.
  app.get('/azure/api/retail/prices', (c) => {
    const denied = gate(c, 'azure', 'none')
    if (denied) return denied
    const filter = c.req.query('$filter') ?? ''
    const clauses = [...filter.matchAll(/(\w+) eq '([^']*)'/g)].map((m) => [m[1], m[2]] as const)
    // The filter's priceType is the items' `type` field.
    const matching = data.azure.items.filter((i) => clauses.every(([k, v]) => i[k === 'priceType' ? 'type' : k] === v))
    const skip = Math.max(0, Number(c.req.query('$skip')) || 0)
    const page = matching.slice(skip, skip + PAGE_CAPS.azure)
    let next: string | null = null
    if (skip + PAGE_CAPS.azure < matching.length) {
      const u = new URL(c.req.url)
      u.searchParams.set('$skip', String(skip + PAGE_CAPS.azure))
      next = u.toString()
    }
    return c.json({ BillingCurrency: 'USD', CustomerEntityId: 'Default', CustomerEntityType: 'Retail', Items: page, NextPageLink: next, Count: page.length })
  })

  // GCP Cloud Billing Catalog: ?key= (an API key, else 403), ?pageSize=&pageToken=, {skus, nextPageToken} ("" on the last page).
  app.get('/gcp/v1/services/:service/skus', (c) => {
    const denied = gate(c, 'gcp', 'none')
    if (denied) return denied
    if (c.req.query('key') !== TEST_TOKEN) return c.json(errorBody('gcp', 403), 403)
    if (c.req.param('service') !== '6F81-5844-456A') return c.json(errorBody('gcp', 404), 404)
    const size = Math.min(intParam(c, 'pageSize', 5000), PAGE_CAPS.gcp)
    const offset = Number(c.req.query('pageToken') ? atob(c.req.query('pageToken')!) : 0) || 0
    const all = data.gcp.skus
    const end = offset + size
    return c.json({ skus: all.slice(offset, end), nextPageToken: end < all.length ? btoa(String(end)) : '' })
  })

  // Frankfurter (ECB reference rates): public; only base=USD is served here.
  app.get('/frankfurter/v1/latest', (c) => {
    const denied = gate(c, 'frankfurter', 'none')
    if (denied) return denied
    if (c.req.query('base') !== 'USD') return c.json({ message: 'not found' }, 404)
    return c.json(data.frankfurter.latest)
  })

  // ArtifactHub: anonymous; search returns summaries and the total in Pagination-Total-Count.
  const SUMMARY_FIELDS = [
    'package_id', 'name', 'normalized_name', 'category', 'logo_image_id', 'stars', 'official', 'cncf', 'display_name',
    'description', 'version', 'app_version', 'license', 'deprecated', 'has_values_schema', 'signed',
    'security_report_summary', 'production_organizations_count', 'ts', 'repository',
  ]
  const stripNulls = (o: Json) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined))
  app.get('/artifacthub/api/v1/packages/search', (c) => {
    const denied = gate(c, 'artifacthub', 'none')
    if (denied) return denied
    const kind = c.req.query('kind')
    const withDeprecated = c.req.query('deprecated') === 'true'
    const matching = data.artifacthub.packages.filter(
      (p) => (kind === undefined || String((p.repository as Json).kind) === kind) && (withDeprecated || p.deprecated !== true),
    )
    const limit = Math.min(intParam(c, 'limit', 20), PAGE_CAPS.artifacthub)
    const offset = Math.max(0, Number(c.req.query('offset')) || 0)
    const page = matching.slice(offset, offset + limit).map((p) => stripNulls(Object.fromEntries(SUMMARY_FIELDS.map((f) => [f, p[f]]))))
    c.header('Pagination-Total-Count', String(matching.length))
    return c.json({ packages: page })
  })
  app.get('/artifacthub/api/v1/packages/helm/:repo/:name', (c) => {
    const denied = gate(c, 'artifacthub', 'none')
    if (denied) return denied
    const pkg = data.artifacthub.packages.find(
      (p) => (p.repository as Json).name === c.req.param('repo') && p.normalized_name === c.req.param('name'),
    )
    if (!pkg) return c.json(errorBody('artifacthub', 404), 404)
    const { production_organizations_count: _count, ...detail } = pkg
    return c.json(stripNulls(detail))
  })

  const server = await listenOnLoopback(app.fetch)
  const origin = server.url
  return {
    baseUrls: {
      digitalocean: origin + PREFIX.digitalocean,
      hetzner: origin + PREFIX.hetzner,
      vultr: origin + PREFIX.vultr,
      linode: origin + PREFIX.linode,
      lambdalabs: origin + PREFIX.lambdalabs,
      runpod: origin + PREFIX.runpod,
      azure: origin + PREFIX.azure,
      artifacthub: origin + PREFIX.artifacthub,
      frankfurter: origin + PREFIX.frankfurter,
      gcp: origin + PREFIX.gcp,
    },
    requests,
    data,
    setFailure(provider, status) {
      if (status === undefined) failures.delete(provider)
      else failures.set(provider, status)
    },
    mutate(fn) {
      fn(data)
    },
    close: server.close,
  }
}

// ---------------------------------------------------------------- AWS Price List Bulk API (its own server)

// GET /offers/v1.0/aws/AmazonEC2/current/region_index.json and each region's offer file, in the
// documented shapes (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-an-offer.html).
// Offer files are streamed in chunks; a region listed in `generated` is produced on the fly (the
// server never holds it), so a test can serve a file far larger than the adapter may keep.

const AWS_ON_DEMAND = 'JRTCKXETXF' // the on-demand offerTermCode
const AWS_RESERVED = '4NA7Y494T4'
const AWS_LOCATIONS: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)', 'eu-central-1': 'EU (Frankfurt)', 'eu-west-1': 'EU (Ireland)', 'ap-southeast-1': 'Asia Pacific (Singapore)',
}

/** One EC2 product, as the offer file lists it. */
export function awsProduct(
  sku: string,
  regionCode: string,
  instanceType: string,
  spec: { vcpu: number; memory: string; gpu?: number; processor?: string },
  over: Json = {},
): Json {
  return {
    sku,
    productFamily: 'Compute Instance',
    attributes: {
      servicecode: 'AmazonEC2', location: AWS_LOCATIONS[regionCode] ?? regionCode, locationType: 'AWS Region', instanceType,
      currentGeneration: 'Yes', instanceFamily: spec.gpu ? 'GPU instance' : 'General purpose', vcpu: String(spec.vcpu),
      physicalProcessor: spec.processor ?? 'Intel Xeon Platinum 8375C (Ice Lake)', clockSpeed: '3.5 GHz', memory: spec.memory,
      storage: 'EBS only', networkPerformance: 'Up to 12500 Megabit', processorArchitecture: '64-bit', tenancy: 'Shared',
      operatingSystem: 'Linux', licenseModel: 'No License required', usagetype: `BoxUsage:${instanceType}`, operation: 'RunInstances',
      capacitystatus: 'Used', ...(spec.gpu ? { gpu: String(spec.gpu) } : {}), normalizationSizeFactor: '4', preInstalledSw: 'NA',
      regionCode, servicename: 'Amazon Elastic Compute Cloud', ...over,
    },
  }
}

/** A product's on-demand term: {sku: {sku.offerTermCode: {..., priceDimensions: {rateCode: {...}}}}}. */
export function awsOnDemand(sku: string, usd: string, unit = 'Hrs'): Json {
  const code = `${sku}.${AWS_ON_DEMAND}`
  return {
    [code]: {
      offerTermCode: AWS_ON_DEMAND, sku, effectiveDate: '2026-11-01T00:00:00Z', termAttributes: {},
      priceDimensions: {
        [`${code}.6YS6EN2CT7`]: {
          rateCode: `${code}.6YS6EN2CT7`, description: `$${usd} per On Demand Linux instance hour`, beginRange: '0', endRange: 'Inf',
          unit, pricePerUnit: { USD: usd }, appliesTo: [],
        },
      },
    },
  }
}

export interface AwsOfferFile {
  products: Record<string, Json>
  onDemand: Record<string, Json>
  reserved?: Record<string, Json>
}

export function createAwsFixtures(): Record<string, AwsOfferFile> {
  const p = (f: AwsOfferFile, product: Json, usd?: string) => {
    f.products[product.sku as string] = product
    if (usd !== undefined) f.onDemand[product.sku as string] = awsOnDemand(product.sku as string, usd)
  }
  const use1: AwsOfferFile = { products: {}, onDemand: {}, reserved: {} }
  p(use1, awsProduct('UE1M6ILARGE', 'us-east-1', 'm6i.large', { vcpu: 2, memory: '8 GiB' }), '0.0960000000')
  p(use1, awsProduct('UE1M6IXL', 'us-east-1', 'm6i.xlarge', { vcpu: 4, memory: '16 GiB' }), '0.1920000000')
  p(use1, awsProduct('UE1P4D', 'us-east-1', 'p4d.24xlarge', { vcpu: 96, memory: '1152 GiB', gpu: 8 }), '32.7726000000')
  p(use1, awsProduct('UE1G5XL', 'us-east-1', 'g5.xlarge', { vcpu: 4, memory: '16 GiB', gpu: 1, processor: 'AMD EPYC 7R32' }), '1.0060000000')
  // Not kept: Windows, dedicated tenancy, licensed software, a reservation's capacity, storage, no on-demand price, a non-hourly unit.
  p(use1, awsProduct('UE1M6ILWIN', 'us-east-1', 'm6i.large', { vcpu: 2, memory: '8 GiB' }, { operatingSystem: 'Windows', licenseModel: 'No License required' }), '0.1880000000')
  p(use1, awsProduct('UE1M6ILDED', 'us-east-1', 'm6i.large', { vcpu: 2, memory: '8 GiB' }, { tenancy: 'Dedicated' }), '0.1060000000')
  p(use1, awsProduct('UE1M6ILSQL', 'us-east-1', 'm6i.large', { vcpu: 2, memory: '8 GiB' }, { preInstalledSw: 'SQL Web' }), '0.1160000000')
  p(use1, awsProduct('UE1M6ILCR', 'us-east-1', 'm6i.large', { vcpu: 2, memory: '8 GiB' }, { capacitystatus: 'AllocatedCapacityReservation' }), '0.0960000000')
  p(use1, { sku: 'UE1EBSGP3', productFamily: 'Storage', attributes: { servicecode: 'AmazonEC2', location: 'US East (N. Virginia)', volumeApiName: 'gp3', regionCode: 'us-east-1' } })
  use1.onDemand.UE1EBSGP3 = awsOnDemand('UE1EBSGP3', '0.0800000000', 'GB-Mo')
  p(use1, awsProduct('UE1C7GNOPRICE', 'us-east-1', 'c7g.large', { vcpu: 2, memory: '4 GiB', processor: 'AWS Graviton3' }))
  // A dimension in another unit (an upfront-fee shape) and a zero price are no hourly price.
  p(use1, awsProduct('UE1T3NANOQTY', 'us-east-1', 't3.nano', { vcpu: 2, memory: '0.5 GiB' }))
  use1.onDemand.UE1T3NANOQTY = awsOnDemand('UE1T3NANOQTY', '52.0000000000', 'Quantity')
  p(use1, awsProduct('UE1T3MICRO0', 'us-east-1', 't3.micro', { vcpu: 2, memory: '1 GiB' }), '0.0000000000')
  use1.reserved!.UE1M6ILARGE = { [`UE1M6ILARGE.${AWS_RESERVED}`]: { offerTermCode: AWS_RESERVED, sku: 'UE1M6ILARGE', priceDimensions: {} } }

  const euc1: AwsOfferFile = { products: {}, onDemand: {} }
  p(euc1, awsProduct('EC1M6ILARGE', 'eu-central-1', 'm6i.large', { vcpu: 2, memory: '8 GiB' }), '0.1150000000')
  p(euc1, awsProduct('EC1P4D', 'eu-central-1', 'p4d.24xlarge', { vcpu: 96, memory: '1152 GiB', gpu: 8 }), '40.9657000000')
  p(euc1, awsProduct('EC1C7GL', 'eu-central-1', 'c7g.large', { vcpu: 2, memory: '4 GiB', processor: 'AWS Graviton3' }), '0.0725000000')
  p(euc1, awsProduct('EC1C7GLWIN', 'eu-central-1', 'c7g.large', { vcpu: 2, memory: '4 GiB' }, { operatingSystem: 'Windows' }), '0.1645000000')

  const aps1: AwsOfferFile = { products: {}, onDemand: {} }
  p(aps1, awsProduct('AS1M6ILARGE', 'ap-southeast-1', 'm6i.large', { vcpu: 2, memory: '8 GiB' }), '0.1200000000')
  return { 'us-east-1': use1, 'eu-central-1': euc1, 'ap-southeast-1': aps1 }
}

/** The offer file's text, member by member (products first, as AWS writes them), cut into chunks. */
function* awsOfferChunks(region: string, file: AwsOfferFile): Generator<string> {
  yield `{"formatVersion":"v1.0","disclaimer":"This pricing list is for informational purposes only.","offerCode":"AmazonEC2","version":"20261201000000","publicationDate":"2026-12-01T00:00:00Z","products":{`
  let first = true
  for (const [sku, product] of Object.entries(file.products)) {
    yield `${first ? '' : ','}${JSON.stringify(sku)}:${JSON.stringify(product)}`
    first = false
  }
  yield `},"terms":{"OnDemand":{`
  first = true
  for (const [sku, term] of Object.entries(file.onDemand)) {
    yield `${first ? '' : ','}${JSON.stringify(sku)}:${JSON.stringify(term)}`
    first = false
  }
  yield `},"Reserved":${JSON.stringify(file.reserved ?? {})}},"attributesList":{}}`
  void region
}

/** A generated offer file: `products` products of which only every 1000th is a Linux on-demand one (AWS files are mostly other OS/tenancy variants). */
export function* generatedAwsOffer(region: string, products: number): Generator<string> {
  const product = (i: number) => awsProduct(`GEN${i}`, region, `gen${Math.floor(i / 1000)}.${i % 1000}xlarge`, { vcpu: 4, memory: '16 GiB' },
    i % 1000 === 0 ? {} : { operatingSystem: i % 2 ? 'Windows' : 'RHEL', licenseModel: 'No License required' })
  yield `{"formatVersion":"v1.0","offerCode":"AmazonEC2","version":"20261201000000","products":{`
  for (let i = 0; i < products; i++) yield `${i ? ',' : ''}"GEN${i}":${JSON.stringify(product(i))}`
  yield `},"terms":{"OnDemand":{`
  for (let i = 0; i < products; i++) yield `${i ? ',' : ''}"GEN${i}":${JSON.stringify(awsOnDemand(`GEN${i}`, (0.1 + (i % 7) / 100).toFixed(10)))}`
  yield `}}}`
}

export interface AwsPricingApi {
  baseUrl: string
  data: Record<string, AwsOfferFile>
  /** Regions whose offer file is generated: region -> product count. */
  generated: Record<string, number>
  requests: string[]
  /** Bytes of offer-file body written, per region; and a hook called after each chunk. */
  bytesSent: Record<string, number>
  onChunk?: (region: string, bytes: number) => void
  failure?: number
  close(): Promise<void>
}

export async function startAwsPricingApi(): Promise<AwsPricingApi> {
  const app = new Hono()
  const api: AwsPricingApi = { baseUrl: '', data: createAwsFixtures(), generated: {}, requests: [], bytesSent: {}, close: async () => {} }
  const encoder = new TextEncoder()
  const fail = (c: Context) => {
    api.requests.push(new URL(c.req.url).pathname)
    // S3-style XML error, as the price list's CloudFront/S3 origin answers.
    return api.failure ? c.body(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`, api.failure as 500, { 'content-type': 'application/xml' }) : null
  }
  app.get('/offers/v1.0/aws/AmazonEC2/current/region_index.json', (c) => {
    const failed = fail(c)
    if (failed) return failed
    const codes = [...new Set([...Object.keys(api.data), ...Object.keys(api.generated)])]
    return c.json({
      formatVersion: 'v1.0', disclaimer: 'This pricing list is for informational purposes only.', publicationDate: '2026-12-01T00:00:00Z',
      regions: Object.fromEntries(codes.map((code) => [code, { regionCode: code, currentVersionUrl: `/offers/v1.0/aws/AmazonEC2/20261201000000/${code}/index.json` }])),
    })
  })
  app.get('/offers/v1.0/aws/AmazonEC2/:version/:region/index.json', (c) => {
    const failed = fail(c)
    if (failed) return failed
    const region = c.req.param('region')
    const chunks = api.generated[region] ? generatedAwsOffer(region, api.generated[region]) : api.data[region] ? awsOfferChunks(region, api.data[region]) : null
    if (!chunks) return c.body('<Error><Code>NoSuchKey</Code></Error>', 404, { 'content-type': 'application/xml' })
    api.bytesSent[region] = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // About 64 KiB per chunk, like a socket read.
        let text = ''
        for (let next = chunks.next(); ; next = chunks.next()) {
          if (next.done) {
            if (text) controller.enqueue(encoder.encode(text))
            api.bytesSent[region] += text.length
            api.onChunk?.(region, api.bytesSent[region])
            controller.close()
            return
          }
          text += next.value
          if (text.length >= 65536) break
        }
        controller.enqueue(encoder.encode(text))
        api.bytesSent[region] += text.length
        api.onChunk?.(region, api.bytesSent[region])
      },
    })
    return c.body(stream, 200, { 'content-type': 'application/json' })
  })
  const server = await listenOnLoopback(app.fetch)
  api.baseUrl = server.url
  api.close = server.close
  return api
}
