// Zone choice prices a machine type whose GPUs are part of it (g2-standard-4: one L4, as
// machineTypes.aggregatedList describes it) with those GPUs, from the price table cached in
// MYMLOPS_HOME — never as CPU and RAM alone, and never at the cheaper DWS rate next to the list one.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { chooseZones } from '../../../src/adapters/backends/gce/zone-choice.js';
import type { GceClient } from '../../../src/adapters/gce/client.js';
import { priceCachePath } from '../../../src/adapters/gce/prices.js';
import { addSkus, emptyTable, type Sku } from '../../../src/core/zones/prices.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-zone-price-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const sku = (description: string, resourceGroup: string, usd: number, region: string): Sku => ({
  description,
  category: { resourceFamily: 'Compute', resourceGroup, usageType: 'OnDemand' },
  serviceRegions: [region],
  pricingInfo: [{ pricingExpression: { tieredRates: [{ unitPrice: { units: '0', nanos: usd * 1e9 } }] } }],
});

test('g2-standard-4 is priced with its L4, per region, at the list price', async () => {
  const env = { MYMLOPS_HOME: join(tmp, 'home') };
  // us-east1 has the cheaper CPU and RAM but the dearer L4: with the GPU counted it ranks second.
  const skus = [
    sku('G2 Instance Core running in Americas', 'CPU', 0.02, 'us-central1'),
    sku('G2 Instance Ram running in Americas', 'RAM', 0.002, 'us-central1'),
    sku('Nvidia L4 GPU running in Americas', 'GPU', 0.56, 'us-central1'),
    sku('G2 Instance Core running in Americas', 'CPU', 0.01, 'us-east1'),
    sku('G2 Instance Ram running in Americas', 'RAM', 0.001, 'us-east1'),
    sku('Nvidia L4 GPU running in Americas', 'GPU', 0.7, 'us-east1'),
    sku('Nvidia L4 GPU attached to DWS Defined Duration VMs running in Americas', 'GPU', 0.1, 'us-east1'),
  ];
  const file = priceCachePath(env);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({ version: 3, fetchedAt: new Date().toISOString(), table: addSkus(emptyTable(), skus) }),
  );
  const g2 = { name: 'g2-standard-4', guestCpus: 4, memoryMb: 16384 };
  const accelerators = [{ guestAcceleratorType: 'nvidia-l4', guestAcceleratorCount: 1 }];
  const client = {
    project: 'p',
    machineTypeZones: async () =>
      ['us-central1-a', 'us-east1-b'].map((zone) => ({ zone, item: { ...g2, accelerators } })),
    acceleratorZones: async () => [],
    instances: async () => [],
  } as unknown as GceClient;
  const choice = await chooseZones(
    { client: async () => client, tokens: () => ({}) as never, env },
    {
      avoidZones: [],
      instance: {
        zone_regex: 'us-.*',
        machine_type: 'g2-standard-4',
        snapshot: 's',
        image: null,
        accelerator: null,
        accelerator_count: 1,
        disk_size_gb: 100,
        disk_type: 'pd-ssd',
        spot: false,
      },
    },
  );
  const hourly = Object.fromEntries(choice.zones.map((z) => [z.zone, z.hourly]));
  assert.ok(
    Math.abs(hourly['us-central1-a']! - (4 * 0.02 + 16 * 0.002 + 0.56)) < 1e-6,
    JSON.stringify(hourly),
  );
  assert.ok(Math.abs(hourly['us-east1-b']! - (4 * 0.01 + 16 * 0.001 + 0.7)) < 1e-6, JSON.stringify(hourly));
  assert.deepEqual(
    choice.zones.map((z) => z.zone),
    ['us-central1-a', 'us-east1-b'],
  );
  assert.deepEqual(choice.shape.accelerators, [{ type: 'nvidia-l4', count: 1 }]);
});
