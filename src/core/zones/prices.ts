// Compute Engine prices from the Cloud Billing Catalog, reduced to a small per-region table (pure).
//
// Matching:
// - only SKUs with category.resourceFamily "Compute"; category.usageType says the pricing model
//   ("Preemptible" = spot, "OnDemand" = standard; commitments are skipped), never the description;
// - category.resourceGroup says what is priced: "GPU", "CPU" (vCPU), "RAM" (GiB); N1 SKUs sit in
//   "N1Standard" (and f1/g1 in their own groups), where the description's "Core"/"Ram" tells;
// - the machine family comes from the description, whose wording differs per family: "N2D AMD
//   Instance Core", "T2A Arm Instance Ram", "N1 Predefined Instance Core", "M3 Memory-optimized
//   Instance Core", but "Compute optimized Core" for C2 and "Memory-optimized Instance Core" for
//   M1 (FAMILY_WORDING);
// - only list prices: custom, sole-tenant, extended-memory and premium SKUs, and every SKU of another
//   way to pay (NOT_LIST) are skipped — DWS ("… attached to DWS Defined Duration VMs …", "DWS
//   Defined Duration A2 Core …", usageType OnDemand at a lower price), reservations ("Reserved Nvidia
//   Tesla A100 80GB GPU in Virginia", often $0), commitments, Calendar Mode, Flex Start, capacity
//   optimized;
// - GPUs: the description up to " GPU" ("Nvidia Tesla A100 80GB GPU attached to Spot Preemptible
//   VMs …", "Spot Preemptible Nvidia L4 GPU in …"), compared as a set of words with the
//   accelerator type name (gpuKey);
// - price = the first tier's unitPrice (units + nanos / 1e9), per region in serviceRegions;
//   n1-standard-8 = 8 × core(n1) + 30 GiB × ram(n1) + GPUs; a machine type whose GPUs are part of
//   it (A2, A3, G2: the API's machineType.accelerators) adds them, priced by their own GPU SKUs.

export type PricingModel = 'spot' | 'ondemand';

interface Rates {
  core: Record<string, number>;
  ram: Record<string, number>;
  gpu: Record<string, number>;
}

export interface PriceTable {
  /** region → pricing model → USD per vCPU hour / GiB hour / GPU hour, by family or gpuKey. */
  regions: Record<string, Record<PricingModel, Rates>>;
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

const MODEL: Record<string, PricingModel> = { Preemptible: 'spot', OnDemand: 'ondemand' };

/** Families whose SKUs do not say "<FAMILY> … Instance"; tried before the general form. */
const FAMILY_WORDING: [RegExp, string][] = [
  [/(?:^|Preemptible )Compute optimized (?:Core|Ram)\b/i, 'c2'],
  [/(?:^|Preemptible )Memory-optimized Instance (?:Core|Ram)\b/i, 'm1'],
];
// "<FAMILY> [AMD|Arm|Intel] [Predefined] [Memory-optimized|Compute-optimized] Instance Core|Ram"
const GENERAL =
  /\b([A-Z][A-Z0-9]*\d[A-Z0-9]*) (?:(?:AMD|Arm|Intel) )?(?:Predefined )?(?:(?:Memory|Compute)-optimized )?Instance (?:Core|Ram)\b/i;
const SKIP = /custom|sole tenancy|extended|premium/i;
/** SKUs of a way to pay other than the list price (see the top of this file). */
const NOT_LIST =
  /\b(DWS|defined duration|flex[- ]start|calendar mode|reserved|reservation|commitment|committed|capacity optimized)\b/i;

/** Whether a SKU is a list price (on-demand or spot), not DWS, a reservation or a commitment. */
export function isListPrice(description: string): boolean {
  return !NOT_LIST.test(description);
}

/** The machine family ("n2d", "c2", "m1") a vCPU/RAM SKU description prices, or null. */
export function familyOf(description: string): string | null {
  if (SKIP.test(description)) return null;
  for (const [re, family] of FAMILY_WORDING) if (re.test(description)) return family;
  return GENERAL.exec(description)?.[1]?.toLowerCase() ?? null;
}

/** What a SKU prices (vCPU, RAM or GPU), from its resourceGroup; the description only for N1-style groups. */
function slotOf(group: string | undefined, description: string): keyof Rates | null {
  if (group === 'GPU') return 'gpu';
  if (group === 'CPU') return 'core';
  if (group === 'RAM') return 'ram';
  if (group === 'N1Standard')
    return /\bCore\b/.test(description) ? 'core' : /\bRam\b/.test(description) ? 'ram' : null;
  return null;
}

/**
 * A GPU's words without vendor and product line, sorted, so the catalog's "Nvidia H100 80GB Mega"
 * and the accelerator type nvidia-h100-mega-80gb (or "Nvidia Tesla T4" and nvidia-tesla-t4) meet.
 */
export function gpuKey(name: string): string | null {
  const m = /^(?:Spot Preemptible )?(.+?) GPU\b/.exec(name);
  const words = (m ? m[1]! : name.includes(' ') ? '' : name)
    .toLowerCase()
    .split(/[\s-]+/)
    .filter((w) => w && w !== 'nvidia' && w !== 'tesla')
    .map((w) => (w === 'plus' ? 'mega' : w)); // the catalog names the H100 Mega "Plus" in some regions
  return words.length ? words.sort().join('-') : null;
}

/** Adds the spot and on-demand SKUs of one catalog page to the table (call once per page). */
export function addSkus(table: PriceTable, skus: Sku[]): PriceTable {
  for (const s of skus) {
    const c = s.category;
    const model = MODEL[c?.usageType ?? ''];
    if (c?.resourceFamily !== 'Compute' || !model) continue;
    const desc = s.description ?? '';
    if (!isListPrice(desc)) continue;
    const slot = slotOf(c.resourceGroup, desc);
    if (!slot) continue;
    const key = slot === 'gpu' ? (SKIP.test(desc) ? null : gpuKey(desc)) : familyOf(desc);
    const price = unitPrice(s);
    if (!key || price === null) continue;
    for (const region of s.serviceRegions ?? []) {
      table.regions[region] ??= { spot: emptyRates(), ondemand: emptyRates() };
      const r = table.regions[region][model][slot];
      const prev = r[key];
      r[key] = prev === undefined ? price : Math.min(prev, price);
    }
  }
  return table;
}

const emptyRates = (): Rates => ({ core: {}, ram: {}, gpu: {} });

export function emptyTable(): PriceTable {
  return { regions: {} };
}

export interface MachineShape {
  /** Machine type name, e.g. n1-standard-8 (its family is the part before the first dash). */
  name: string;
  guestCpus: number;
  memoryMb: number;
  /** GPUs that are part of the machine type (a2-highgpu-1g: one nvidia-tesla-a100). */
  accelerators?: { type: string; count: number }[];
}

/** USD per hour of machine + accelerators in a region, or null when the table lacks a part. */
export function hourlyPrice(
  table: PriceTable | null,
  region: string,
  machine: MachineShape,
  accelerator: string | null,
  count = 1,
  model: PricingModel = 'spot',
): number | null {
  const r = table?.regions[region]?.[model];
  if (!r) return null;
  const family = machine.name.split('-')[0]!;
  const core = r.core[family];
  const ram = r.ram[family];
  if (core === undefined || ram === undefined) return null;
  let usd = machine.guestCpus * core + (machine.memoryMb / 1024) * ram;
  const gpus = [...(machine.accelerators ?? []), ...(accelerator ? [{ type: accelerator, count }] : [])];
  for (const g of gpus) {
    const key = gpuKey(g.type);
    const each = key ? r.gpu[key] : undefined;
    if (each === undefined) return null;
    usd += each * g.count;
  }
  return Math.round(usd * 1e6) / 1e6;
}
