// Spot prices from the Cloud Billing Catalog, reduced to a small per-region table (pure).
//
// Matching, kept deliberately simple:
// - only SKUs with category.resourceFamily "Compute" and category.usageType "Preemptible" (spot);
//   the usage type, not the description, decides spot vs on-demand;
// - GPUs: category.resourceGroup "GPU"; the accelerator name is the description up to " GPU",
//   lower-cased with dashes ("Nvidia Tesla T4 GPU attached to Spot …" → nvidia-tesla-t4);
// - vCPU / memory: descriptions "<FAMILY> [Predefined ]Instance Core|Ram …" (custom, sole-tenant,
//   extended-memory SKUs are skipped), priced per vCPU hour and per GiB hour of the family
//   (n1-standard-8 = 8 × core(n1) + 30 GiB × ram(n1));
// - price = the first tier's unitPrice (units + nanos / 1e9), per region in serviceRegions.

export interface PriceTable {
  /** region → price per hour, USD. */
  regions: Record<
    string,
    { core: Record<string, number>; ram: Record<string, number>; gpu: Record<string, number> }
  >;
}

export interface Sku {
  description?: string;
  category?: { resourceFamily?: string; resourceGroup?: string; usageType?: string };
  serviceRegions?: string[];
  pricingInfo?: {
    pricingExpression?: {
      tieredRates?: { startUsageAmount?: number; unitPrice?: { units?: string; nanos?: number } }[];
    };
  }[];
}

function unitPrice(s: Sku): number | null {
  const rates = s.pricingInfo?.[0]?.pricingExpression?.tieredRates ?? [];
  const r = rates.find((x) => !x.startUsageAmount) ?? rates[0];
  if (!r?.unitPrice) return null;
  return Number(r.unitPrice.units ?? 0) + (r.unitPrice.nanos ?? 0) / 1e9;
}

const CORE_RAM = /^(?:Spot Preemptible )?([A-Z][A-Z0-9]*) (?:Predefined )?Instance (Core|Ram)\b/i;
const SKIP = /custom|sole tenancy|extended|premium|commitment/i;

export function gpuKey(description: string): string | null {
  const m = /^(.+?) GPU\b/.exec(description);
  return m ? m[1]!.trim().toLowerCase().replace(/\s+/g, '-') : null;
}

/** Adds the spot SKUs of one catalog page to the table (call once per page: no page kept in memory). */
export function addSkus(table: PriceTable, skus: Sku[]): PriceTable {
  for (const s of skus) {
    const c = s.category;
    if (c?.resourceFamily !== 'Compute' || c.usageType !== 'Preemptible') continue;
    const desc = s.description ?? '';
    const price = unitPrice(s);
    if (price === null) continue;
    let slot: 'core' | 'ram' | 'gpu';
    let key: string | null;
    if (c.resourceGroup === 'GPU') {
      slot = 'gpu';
      key = gpuKey(desc);
    } else {
      const m = CORE_RAM.exec(desc);
      if (!m || SKIP.test(desc)) continue;
      slot = m[2]!.toLowerCase() === 'core' ? 'core' : 'ram';
      key = m[1]!.toLowerCase();
    }
    if (!key) continue;
    for (const region of s.serviceRegions ?? []) {
      table.regions[region] ??= { core: {}, ram: {}, gpu: {} };
      const r = table.regions[region];
      const prev = r[slot][key];
      r[slot][key] = prev === undefined ? price : Math.min(prev, price);
    }
  }
  return table;
}

export function emptyTable(): PriceTable {
  return { regions: {} };
}

export interface MachineShape {
  /** Machine type name, e.g. n1-standard-8 (its family is the part before the first dash). */
  name: string;
  guestCpus: number;
  memoryMb: number;
}

function gpuPrice(gpus: Record<string, number>, accelerator: string): number | undefined {
  // The catalog says "Nvidia Tesla T4" for nvidia-tesla-t4 but "Nvidia Tesla A100" for nvidia-a100-80gb.
  const alt = accelerator.startsWith('nvidia-tesla-')
    ? accelerator.replace('nvidia-tesla-', 'nvidia-')
    : accelerator.replace('nvidia-', 'nvidia-tesla-');
  return gpus[accelerator] ?? gpus[alt];
}

/** Spot USD per hour of machine + accelerators in a region, or null when the table lacks a part. */
export function hourlyPrice(
  table: PriceTable | null,
  region: string,
  machine: MachineShape,
  accelerator: string | null,
  count = 1,
): number | null {
  const r = table?.regions[region];
  if (!r) return null;
  const family = machine.name.split('-')[0]!;
  const core = r.core[family];
  const ram = r.ram[family];
  if (core === undefined || ram === undefined) return null;
  let usd = machine.guestCpus * core + (machine.memoryMb / 1024) * ram;
  if (accelerator) {
    const g = gpuPrice(r.gpu, accelerator);
    if (g === undefined) return null;
    usd += g * count;
  }
  return Math.round(usd * 1e6) / 1e6;
}
