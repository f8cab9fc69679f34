import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { addSkus, emptyTable, gpuKey, hourlyPrice, type Sku } from '../../../src/core/zones/prices.js';

const skus = (
  JSON.parse(readFileSync(new URL('../../fixtures/gce/billing-skus.json', import.meta.url), 'utf8')) as {
    skus: Sku[];
  }
).skus;
const table = addSkus(emptyTable(), skus);
const n1s4 = { name: 'n1-standard-4', guestCpus: 4, memoryMb: 15360 };

test('spot SKUs only, per region, keyed by family and accelerator', () => {
  assert.deepEqual(table.regions['us-central1']!.core, { n1: 0.007, e2: 0.0065 });
  assert.deepEqual(table.regions['us-central1']!.ram, { n1: 0.001, e2: 0.00087 });
  assert.equal(table.regions['us-east1']!.gpu['nvidia-tesla-t4'], 0.12);
  assert.equal(table.regions['us-central1']!.gpu['nvidia-tesla-a100-80gb'], 1.1);
  assert.equal(table.regions['southamerica-east1']!.core['n1'], 0.014);
  // on-demand, commitment, custom and storage SKUs are skipped
  assert.equal(table.regions['southamerica-east1']!.ram['n1'], undefined);
});

test('hourly price = vCPUs × core + GiB × ram + GPUs', () => {
  const cases: [string, string | null, number, number | null][] = [
    ['us-central1', 'nvidia-tesla-t4', 1, 4 * 0.007 + 15 * 0.001 + 0.14],
    ['us-east1', 'nvidia-tesla-t4', 2, 4 * 0.007 + 15 * 0.001 + 0.24],
    ['us-central1', null, 1, 4 * 0.007 + 15 * 0.001],
    ['us-central1', 'nvidia-a100-80gb', 1, 4 * 0.007 + 15 * 0.001 + 1.1],
    ['us-east1', 'nvidia-l4', 1, null],
    ['southamerica-east1', null, 1, null],
    ['asia-east1', null, 1, null],
  ];
  for (const [region, acc, count, want] of cases) {
    const got = hourlyPrice(table, region, n1s4, acc, count);
    if (want === null) assert.equal(got, null, `${region} ${acc}`);
    else assert.ok(got !== null && Math.abs(got - want) < 1e-6, `${region} ${acc}: ${got} vs ${want}`);
  }
  assert.equal(hourlyPrice(null, 'us-central1', n1s4, null), null);
});

test('gpu key from description', () => {
  assert.equal(
    gpuKey('Nvidia Tesla T4 GPU attached to Spot Preemptible VMs running in Americas'),
    'nvidia-tesla-t4',
  );
  assert.equal(gpuKey('Nvidia L4 GPU running in Americas'), 'nvidia-l4');
  assert.equal(gpuKey('no gpu here'), null);
});
