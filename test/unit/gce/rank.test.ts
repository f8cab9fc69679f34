import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankZones, regionOf } from '../../../src/core/zones/rank.js';

const zones = ['us-central1-a', 'us-central1-b', 'us-east1-c', 'us-west1-a', 'europe-west4-a'];
const prices: Record<string, number> = {
  'us-central1': 0.16,
  'us-east1': 0.14,
  'us-west1': 0.18,
  'europe-west4': 0.1,
};

test('regex anchored at the start, accelerator zones intersected, cheapest first', () => {
  const r = rankZones({
    zoneRegex: 'us-',
    machineZones: zones,
    acceleratorZones: ['us-central1-b', 'us-east1-c', 'us-west1-a', 'europe-west4-a'],
    load: {},
    price: (region) => prices[region] ?? null,
  });
  assert.ok(r.ok);
  assert.deepEqual(
    r.zones.map((z) => z.zone),
    ['us-east1-c', 'us-central1-b', 'us-west1-a'],
  );
  assert.equal(r.note, null);
});

test('load beats price; avoided zones go last; ties by name', () => {
  const r = rankZones({
    zoneRegex: '.*',
    machineZones: zones,
    acceleratorZones: null,
    load: { 'us-east1': 2, 'europe-west4': 1 },
    price: (region) => prices[region] ?? null,
    avoidZones: ['us-central1-a'],
  });
  assert.ok(r.ok);
  assert.deepEqual(
    r.zones.map((z) => z.zone),
    ['us-central1-b', 'us-west1-a', 'europe-west4-a', 'us-east1-c', 'us-central1-a'],
  );
});

test('no prices: rank by load alone and say so', () => {
  const r = rankZones({
    zoneRegex: 'us-(east|west)',
    machineZones: zones,
    acceleratorZones: null,
    load: { 'us-east1': 1 },
    price: () => null,
  });
  assert.ok(r.ok);
  assert.deepEqual(
    r.zones.map((z) => z.zone),
    ['us-west1-a', 'us-east1-c'],
  );
  assert.match(r.note ?? '', /load alone/);
});

test('errors: invalid regex, nothing matching', () => {
  const bad = rankZones({
    zoneRegex: '(',
    machineZones: zones,
    acceleratorZones: null,
    load: {},
    price: () => null,
  });
  assert.equal(bad.ok, false);
  const none = rankZones({
    zoneRegex: 'asia-',
    machineZones: zones,
    acceleratorZones: null,
    load: {},
    price: () => null,
  });
  assert.ok(!none.ok && none.reason === 'no_zone');
  // re.match semantics: 'central' does not match mid-string
  const mid = rankZones({
    zoneRegex: 'central',
    machineZones: zones,
    acceleratorZones: null,
    load: {},
    price: () => null,
  });
  assert.equal(mid.ok, false);
});

test('regionOf', () => {
  assert.equal(regionOf('us-central1-a'), 'us-central1');
  assert.equal(regionOf('europe-west4-b'), 'europe-west4');
});

test('gcp.subnetwork limits the zones to the regions it names', () => {
  const base = { zoneRegex: '.*', machineZones: zones, acceleratorZones: null, load: {}, price: () => 0.1 };
  const cases: { regions: string[] | null; want: string[] | RegExp }[] = [
    { regions: null, want: ['europe-west4-a', 'us-central1-a', 'us-central1-b', 'us-east1-c', 'us-west1-a'] },
    { regions: ['us-central1'], want: ['us-central1-a', 'us-central1-b'] },
    { regions: ['us-east1', 'europe-west4'], want: ['europe-west4-a', 'us-east1-c'] },
    { regions: ['asia-east1'], want: /in the regions of gcp.subnetwork \(asia-east1\)/ },
  ];
  for (const c of cases) {
    const r = rankZones({ ...base, regions: c.regions });
    if (c.want instanceof RegExp) {
      assert.ok(!r.ok && r.reason === 'no_zone');
      assert.match(r.message, c.want);
    } else {
      assert.ok(r.ok);
      assert.deepEqual(
        r.zones.map((z) => z.zone),
        c.want,
      );
    }
  }
});
