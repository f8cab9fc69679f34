// Zone choice (pure): zones matching zone_regex (anchored at the start, Python re.match) that offer
// the machine type and the accelerator, ranked by (mymlops VMs already in the region with that
// accelerator, then the region's price of machine + GPUs). Zones to avoid (the zone a retried
// commit was preempted in) go last.
import { safeRegExp } from '../../util/regex.js';

export interface ZoneRankInput {
  zoneRegex: string;
  /** Zones that offer the machine type. */
  machineZones: string[];
  /** Zones that offer the accelerator (null: no accelerator requested). */
  acceleratorZones: string[] | null;
  /** Regions the VM may go to (those gcp.subnetwork names a subnetwork for); null: any. */
  regions?: string[] | null;
  /** Live mymlops VMs per region (already filtered to the same accelerator). */
  load: Record<string, number>;
  /** USD/hour in a region (spot or on-demand, as the VM runs), null when unknown. */
  price: (region: string) => number | null;
  avoidZones?: string[];
}

export interface RankedZone {
  zone: string;
  region: string;
  load: number;
  hourly: number | null;
}

export type RankResult =
  | { ok: true; zones: RankedZone[]; note: string | null }
  | { ok: false; reason: 'bad_regex' | 'no_zone'; message: string };

export function regionOf(zone: string): string {
  return zone.replace(/-[a-z]$/, '');
}

export function rankZones(i: ZoneRankInput): RankResult {
  const re = safeRegExp(i.zoneRegex);
  if (!re)
    return {
      ok: false,
      reason: 'bad_regex',
      message: `instance.zone_regex '${i.zoneRegex}' is not a valid regular expression`,
    };
  const acc = i.acceleratorZones ? new Set(i.acceleratorZones) : null;
  const regions = i.regions ? new Set(i.regions) : null;
  const zones = [...new Set(i.machineZones)].filter(
    (z) => re.test(z) && (!acc || acc.has(z)) && (!regions || regions.has(regionOf(z))),
  );
  if (zones.length === 0) {
    const where = regions ? ` in the regions of gcp.subnetwork (${[...regions].join(', ')})` : '';
    return {
      ok: false,
      reason: 'no_zone',
      message: `no zone matching '${i.zoneRegex}'${where} offers ${acc ? 'this machine type with this accelerator' : 'this machine type'}`,
    };
  }
  const avoid = new Set(i.avoidZones ?? []);
  const ranked = zones.map((zone) => {
    const region = regionOf(zone);
    return { zone, region, load: i.load[region] ?? 0, hourly: i.price(region) };
  });
  const missing = ranked.some((z) => z.hourly === null);
  ranked.sort(
    (a, b) =>
      Number(avoid.has(a.zone)) - Number(avoid.has(b.zone)) ||
      a.load - b.load ||
      (a.hourly ?? Number.POSITIVE_INFINITY) - (b.hourly ?? Number.POSITIVE_INFINITY) ||
      a.zone.localeCompare(b.zone),
  );
  const note = missing
    ? ranked.every((z) => z.hourly === null)
      ? 'no prices known: zones ranked by load alone'
      : 'prices missing for some regions: those rank after priced ones at equal load'
    : null;
  return { ok: true, zones: ranked, note };
}
