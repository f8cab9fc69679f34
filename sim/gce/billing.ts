// The Cloud Billing Catalog's Compute Engine SKUs, generated from the fixture's spot prices in the
// real shape (services/6F81-5844-456A/skus, paged with pageSize/pageToken). On-demand, commitment,
// DWS and reservation SKUs are generated as well, so clients must really keep to list prices.
import type { Fixture } from './fixture.js';

export const COMPUTE_SERVICE = '6F81-5844-456A';

function money(usd: number) {
  const units = Math.floor(usd);
  return { currencyCode: 'USD', units: String(units), nanos: Math.round((usd - units) * 1e9) };
}

let counter = 0;
function skuId(): string {
  counter++;
  const h = counter.toString(16).toUpperCase().padStart(12, '0');
  return `${h.slice(0, 4)}-${h.slice(4, 8)}-${h.slice(8, 12)}`;
}

function sku(
  description: string,
  resourceGroup: string,
  usageType: string,
  region: string,
  unit: string,
  usd: number,
) {
  const id = skuId();
  return {
    name: `services/${COMPUTE_SERVICE}/skus/${id}`,
    skuId: id,
    description,
    category: { serviceDisplayName: 'Compute Engine', resourceFamily: 'Compute', resourceGroup, usageType },
    serviceRegions: [region],
    pricingInfo: [
      {
        summary: '',
        pricingExpression: {
          usageUnit: unit,
          displayQuantity: 1,
          tieredRates: [{ startUsageAmount: 0, unitPrice: money(usd) }],
          usageUnitDescription: unit === 'h' ? 'hour' : 'gibibyte hour',
          baseUnit: unit === 'h' ? 's' : 'By.s',
          baseUnitDescription: unit === 'h' ? 'second' : 'byte second',
          baseUnitConversionFactor: unit === 'h' ? 3600 : 3865470566400,
        },
        currencyConversionRate: 1,
        effectiveTime: '2025-01-01T00:00:00Z',
      },
    ],
    serviceProviderName: 'Google',
    geoTaxonomy: { type: 'REGIONAL', regions: [region] },
  };
}

export function buildSkus(f: Fixture): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [region, p] of Object.entries(f.spotPrices)) {
    const geo = f.regions[region]?.geo ?? 'Americas';
    const where = `running in ${geo}`;
    for (const [family, { core, ram }] of Object.entries(p.families)) {
      const fam = family.toUpperCase();
      const group = fam === 'N1' ? 'N1Standard' : 'CPU';
      out.push(
        sku(
          `Spot Preemptible ${fam} Predefined Instance Core ${where}`,
          group,
          'Preemptible',
          region,
          'h',
          core,
        ),
      );
      out.push(
        sku(
          `Spot Preemptible ${fam} Predefined Instance Ram ${where}`,
          'RAM',
          'Preemptible',
          region,
          'GiBy.h',
          ram,
        ),
      );
      out.push(sku(`${fam} Predefined Instance Core ${where}`, group, 'OnDemand', region, 'h', core * 7));
      out.push(sku(`${fam} Predefined Instance Ram ${where}`, 'RAM', 'OnDemand', region, 'GiBy.h', ram * 7));
      out.push(
        sku(`Commitment v1: ${fam} Cpu in ${region} for 1 Year`, 'CPU', 'Commit1Yr', region, 'h', core * 3),
      );
      out.push(
        sku(
          `Spot Preemptible ${fam} Custom Instance Core ${where}`,
          group,
          'Preemptible',
          region,
          'h',
          core * 2,
        ),
      );
    }
    for (const [acc, usd] of Object.entries(p.gpu ?? {})) {
      const name = f.accelerators[acc]?.billingName ?? acc;
      out.push(
        sku(`${name} GPU attached to Spot Preemptible VMs ${where}`, 'GPU', 'Preemptible', region, 'h', usd),
      );
      out.push(sku(`${name} GPU ${where}`, 'GPU', 'OnDemand', region, 'h', usd * 3));
      // Other ways to pay for the same GPU, worded as the catalog words them and cheaper than its list
      // price: DWS (usageType OnDemand too) and a reservation's $0 placeholder.
      out.push(
        sku(
          `${name} GPU attached to DWS Defined Duration VMs ${where}`,
          'GPU',
          'OnDemand',
          region,
          'h',
          usd * 1.5,
        ),
      );
      out.push(sku(`Reserved ${name} GPU in ${region}`, 'GPU', 'OnDemand', region, 'h', 0));
    }
  }
  // Unrelated SKUs (disks, network) that a client must skip.
  for (const region of Object.keys(f.spotPrices)) {
    out.push(sku(`SSD backed PD Capacity in ${region}`, 'SSD', 'OnDemand', region, 'GiBy.mo', 0.17));
  }
  return out;
}
