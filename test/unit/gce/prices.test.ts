import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  addSkus,
  emptyTable,
  familyOf,
  gpuKey,
  hourlyPrice,
  isListPrice,
  type MachineShape,
  type Sku,
} from '../../../src/core/zones/prices.js';

const skus = (
  JSON.parse(readFileSync(new URL('../../fixtures/gce/billing-skus.json', import.meta.url), 'utf8')) as {
    skus: Sku[];
  }
).skus;
const table = addSkus(emptyTable(), skus);
const n1s4 = { name: 'n1-standard-4', guestCpus: 4, memoryMb: 15360 };

test('spot and on-demand SKUs apart, per region, keyed by family and accelerator', () => {
  const spot = table.regions['us-central1']!.spot;
  assert.deepEqual(spot.core, { n1: 0.007, e2: 0.0065 });
  assert.deepEqual(spot.ram, { n1: 0.001, e2: 0.00087 });
  assert.equal(table.regions['us-east1']!.spot.gpu['t4'], 0.12);
  assert.equal(spot.gpu['80gb-a100'], 1.1);
  assert.equal(table.regions['southamerica-east1']!.spot.core['n1'], 0.014);
  // commitment, custom and storage SKUs are skipped; on-demand ones land in their own table
  assert.equal(table.regions['southamerica-east1']!.spot.ram['n1'], undefined);
  assert.ok(table.regions['us-central1']!.ondemand.core['n1']! > spot.core['n1']!);
  assert.ok(table.regions['us-central1']!.ondemand.gpu['t4']! > spot.gpu['t4']!);
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

// Descriptions as the catalog words them (quoted by public pricing tools and catalog dumps), with
// the category each comes with.
const sku = (description: string, resourceGroup: string, usageType: string, usd: number): Sku => ({
  description,
  category: { resourceFamily: 'Compute', resourceGroup, usageType },
  serviceRegions: ['us-central1'],
  pricingInfo: [
    {
      pricingExpression: {
        tieredRates: [{ unitPrice: { units: String(Math.floor(usd)), nanos: Math.round((usd % 1) * 1e9) } }],
      },
    },
  ],
});

const real: [Sku, 'spot' | 'ondemand', 'core' | 'ram' | 'gpu', string | null][] = [
  [
    sku(
      'Spot Preemptible N1 Predefined Instance Core running in Americas',
      'N1Standard',
      'Preemptible',
      0.01,
    ),
    'spot',
    'core',
    'n1',
  ],
  [
    sku('Preemptible N1 Predefined Instance Ram running in Americas', 'N1Standard', 'Preemptible', 0.001),
    'spot',
    'ram',
    'n1',
  ],
  [
    sku('N1 Predefined Instance Core running in Americas', 'N1Standard', 'OnDemand', 0.03),
    'ondemand',
    'core',
    'n1',
  ],
  [
    sku('Spot Preemptible N2 Instance Core running in Americas', 'CPU', 'Preemptible', 0.01),
    'spot',
    'core',
    'n2',
  ],
  [
    sku('Spot Preemptible N2D AMD Instance Core running in Americas', 'CPU', 'Preemptible', 0.01),
    'spot',
    'core',
    'n2d',
  ],
  [sku('N4 Instance Ram running in Americas', 'RAM', 'OnDemand', 0.004), 'ondemand', 'ram', 'n4'],
  [sku('E2 Instance Core running in Americas', 'CPU', 'OnDemand', 0.02), 'ondemand', 'core', 'e2'],
  [
    sku('Spot Preemptible Compute optimized Core running in Americas', 'CPU', 'Preemptible', 0.006),
    'spot',
    'core',
    'c2',
  ],
  [sku('Compute optimized Ram running in Americas', 'RAM', 'OnDemand', 0.004), 'ondemand', 'ram', 'c2'],
  [
    sku('Spot Preemptible C2D AMD Instance Ram running in Americas', 'RAM', 'Preemptible', 0.001),
    'spot',
    'ram',
    'c2d',
  ],
  [
    sku('Spot Preemptible C3 Instance Core running in Americas', 'CPU', 'Preemptible', 0.005),
    'spot',
    'core',
    'c3',
  ],
  [
    sku('Spot Preemptible C3D Instance Core running in Americas', 'CPU', 'Preemptible', 0.005),
    'spot',
    'core',
    'c3d',
  ],
  [
    sku('Spot Preemptible C4 Instance Ram running in Americas', 'RAM', 'Preemptible', 0.001),
    'spot',
    'ram',
    'c4',
  ],
  [
    sku('Spot Preemptible T2A Arm Instance Ram running in Americas', 'RAM', 'Preemptible', 0.001),
    'spot',
    'ram',
    't2a',
  ],
  [
    sku('Spot Preemptible T2D AMD Instance Core running in Americas', 'CPU', 'Preemptible', 0.008),
    'spot',
    'core',
    't2d',
  ],
  [
    sku('Spot Preemptible Memory-optimized Instance Core running in Americas', 'CPU', 'Preemptible', 0.01),
    'spot',
    'core',
    'm1',
  ],
  [
    sku('Memory-optimized Instance Ram running in Americas', 'RAM', 'OnDemand', 0.005),
    'ondemand',
    'ram',
    'm1',
  ],
  [
    sku('Spot Preemptible M2 Memory-optimized Instance Core running in Americas', 'CPU', 'Preemptible', 0.01),
    'spot',
    'core',
    'm2',
  ],
  [
    sku('Spot Preemptible M3 Memory-optimized Instance Ram running in Tokyo', 'RAM', 'Preemptible', 0.0014),
    'spot',
    'ram',
    'm3',
  ],
  [
    sku('Spot Preemptible A2 Instance Core running in Americas', 'CPU', 'Preemptible', 0.01),
    'spot',
    'core',
    'a2',
  ],
  [
    sku('Spot Preemptible A3 Instance Ram running in Americas', 'RAM', 'Preemptible', 0.002),
    'spot',
    'ram',
    'a3',
  ],
  [sku('G2 Instance Core running in Americas', 'CPU', 'OnDemand', 0.02), 'ondemand', 'core', 'g2'],
  [
    sku(
      'Nvidia Tesla T4 GPU attached to Spot Preemptible VMs running in Americas',
      'GPU',
      'Preemptible',
      0.14,
    ),
    'spot',
    'gpu',
    't4',
  ],
  [sku('Nvidia Tesla T4 GPU running in Americas', 'GPU', 'OnDemand', 0.35), 'ondemand', 'gpu', 't4'],
  [sku('Spot Preemptible Nvidia L4 GPU in Americas', 'GPU', 'Preemptible', 0.22), 'spot', 'gpu', 'l4'],
  [sku('Nvidia Tesla A100 GPU running in Americas', 'GPU', 'OnDemand', 2.9), 'ondemand', 'gpu', 'a100'],
  [
    sku(
      'Nvidia H100 80GB Mega GPU attached to Spot Preemptible VMs running in Tokyo',
      'GPU',
      'Preemptible',
      9.27,
    ),
    'spot',
    'gpu',
    '80gb-h100-mega',
  ],
  // skipped: custom, extended memory, sole tenancy, commitments, f1/g1 shapes
  [
    sku('Spot Preemptible N2 Custom Instance Ram running in Japan', 'RAM', 'Preemptible', 0.0013),
    'spot',
    'ram',
    null,
  ],
  [
    sku('N2 Custom Extended Instance Ram running in Americas', 'RAM', 'OnDemand', 0.009),
    'ondemand',
    'ram',
    null,
  ],
  [
    sku('C2 Sole Tenancy Instance Core running in Americas', 'CPU', 'OnDemand', 0.04),
    'ondemand',
    'core',
    null,
  ],
  [sku('Commitment v1: N2 Cpu in Americas for 1 Year', 'CPU', 'Commit1Yr', 0.02), 'ondemand', 'core', null],
  [
    sku('Spot Preemptible Small Instance with 1 VCPU running in Japan', 'G1Small', 'Preemptible', 0.0129),
    'spot',
    'core',
    null,
  ],
];

test('real SKU descriptions: family, what is priced, spot or on-demand', () => {
  for (const [s, model, slot, key] of real) {
    const t = addSkus(emptyTable(), [s]);
    const rates = t.regions['us-central1']?.[model][slot] ?? {};
    if (key === null) {
      assert.deepEqual(t.regions['us-central1'] ?? null, null, `skipped: ${s.description}`);
      continue;
    }
    assert.deepEqual(Object.keys(rates), [key], s.description);
  }
});

test('every family of the catalog gets a spot and an on-demand price from its own SKUs', () => {
  const families = [
    'n1',
    'n2',
    'n2d',
    'n4',
    'e2',
    'c2',
    'c2d',
    'c3',
    'c3d',
    'c4',
    't2a',
    't2d',
    'm1',
    'm2',
    'm3',
    'a2',
    'a3',
    'g2',
  ];
  const word: Record<string, string> = {
    n1: 'N1 Predefined Instance',
    n2d: 'N2D AMD Instance',
    c2: 'Compute optimized',
    c2d: 'C2D AMD Instance',
    t2a: 'T2A Arm Instance',
    t2d: 'T2D AMD Instance',
    m1: 'Memory-optimized Instance',
    m2: 'M2 Memory-optimized Instance',
    m3: 'M3 Memory-optimized Instance',
  };
  const all: Sku[] = [];
  for (const f of families) {
    const w = word[f] ?? `${f.toUpperCase()} Instance`;
    const group = (r: string) => (f === 'n1' ? 'N1Standard' : r);
    all.push(
      sku(`Spot Preemptible ${w} Core running in Americas`, group('CPU'), 'Preemptible', 0.01),
      sku(`Spot Preemptible ${w} Ram running in Americas`, group('RAM'), 'Preemptible', 0.001),
      sku(`${w} Core running in Americas`, group('CPU'), 'OnDemand', 0.04),
      sku(`${w} Ram running in Americas`, group('RAM'), 'OnDemand', 0.004),
    );
  }
  const t = addSkus(emptyTable(), all);
  for (const f of families) {
    const shape = { name: `${f}-standard-4`, guestCpus: 4, memoryMb: 16384 };
    assert.equal(hourlyPrice(t, 'us-central1', shape, null, 1, 'spot'), 4 * 0.01 + 16 * 0.001, f);
    assert.equal(hourlyPrice(t, 'us-central1', shape, null, 1, 'ondemand'), 4 * 0.04 + 16 * 0.004, f);
  }
});

test('family and gpu keys', () => {
  assert.equal(familyOf('Spot Preemptible A3Plus Instance Ram running in Tokyo'), 'a3plus');
  assert.equal(familyOf('SSD backed PD Capacity'), null);
  const pairs: [string, string][] = [
    ['nvidia-tesla-t4', 'Nvidia Tesla T4 GPU attached to Spot Preemptible VMs running in Americas'],
    ['nvidia-l4', 'Nvidia L4 GPU running in Americas'],
    ['nvidia-tesla-a100', 'Nvidia Tesla A100 GPU running in Americas'],
    ['nvidia-a100-80gb', 'Nvidia Tesla A100 80GB GPU attached to Spot Preemptible VMs running in Americas'],
    ['nvidia-h100-80gb', 'Nvidia H100 80GB GPU running in Americas'],
    ['nvidia-h100-mega-80gb', 'Nvidia H100 80GB Plus GPU running in Americas'],
    ['nvidia-tesla-v100', 'Nvidia Tesla V100 GPU running in Americas'],
  ];
  for (const [acc, desc] of pairs) assert.equal(gpuKey(acc), gpuKey(desc), `${acc} ~ ${desc}`);
  assert.notEqual(gpuKey('nvidia-tesla-a100'), gpuKey('nvidia-a100-80gb'));
  assert.equal(gpuKey('no gpu here'), null);
});

// One region's catalog as the Cloud Billing Catalog words it: list prices next to the SKUs of other
// ways to pay for the same hardware — DWS ("Defined Duration", usageType OnDemand and cheaper),
// reservations (often $0), commitments — which must never become a list price.
const LIST = {
  t4: 0.35,
  t4Spot: 0.14,
  l4: 0.56,
  l4Spot: 0.22,
  v100: 2.48,
  a100: 2.93,
  a100_80: 3.93,
  h100: 9.79,
  n1Core: 0.0316,
  n1Ram: 0.0042,
  a2Core: 0.0317,
  a2Ram: 0.0042,
  a3Core: 0.0297,
  a3Ram: 0.0025,
  g2Core: 0.0243,
  g2Ram: 0.0028,
};
const catalog: Sku[] = [
  sku('Nvidia Tesla T4 GPU running in Americas', 'GPU', 'OnDemand', LIST.t4),
  sku(
    'Nvidia Tesla T4 GPU attached to Spot Preemptible VMs running in Americas',
    'GPU',
    'Preemptible',
    LIST.t4Spot,
  ),
  sku('Nvidia L4 GPU running in Americas', 'GPU', 'OnDemand', LIST.l4),
  sku('Spot Preemptible Nvidia L4 GPU in Americas', 'GPU', 'Preemptible', LIST.l4Spot),
  sku('Nvidia Tesla V100 GPU running in Americas', 'GPU', 'OnDemand', LIST.v100),
  sku('Nvidia Tesla A100 GPU running in Americas', 'GPU', 'OnDemand', LIST.a100),
  sku('Nvidia Tesla A100 80GB GPU running in Americas', 'GPU', 'OnDemand', LIST.a100_80),
  sku('Nvidia H100 80GB GPU running in Americas', 'GPU', 'OnDemand', LIST.h100),
  sku('N1 Predefined Instance Core running in Americas', 'N1Standard', 'OnDemand', LIST.n1Core),
  sku('N1 Predefined Instance Ram running in Americas', 'N1Standard', 'OnDemand', LIST.n1Ram),
  sku('A2 Instance Core running in Americas', 'CPU', 'OnDemand', LIST.a2Core),
  sku('A2 Instance Ram running in Americas', 'RAM', 'OnDemand', LIST.a2Ram),
  sku('A3 Instance Core running in Americas', 'CPU', 'OnDemand', LIST.a3Core),
  sku('A3 Instance Ram running in Americas', 'RAM', 'OnDemand', LIST.a3Ram),
  sku('G2 Instance Core running in Americas', 'CPU', 'OnDemand', LIST.g2Core),
  sku('G2 Instance Ram running in Americas', 'RAM', 'OnDemand', LIST.g2Ram),
  // Not list prices, all cheaper than the list price of the same thing.
  sku(
    'Nvidia H100 80GB GPU attached to DWS Defined Duration VMs running in Americas',
    'GPU',
    'OnDemand',
    4.2,
  ),
  sku(
    'Nvidia Tesla A100 80GB GPU attached to DWS Defined Duration VMs running in Americas',
    'GPU',
    'OnDemand',
    2.1,
  ),
  sku('Nvidia L4 GPU attached to DWS Defined Duration VMs running in Americas', 'GPU', 'OnDemand', 0.3),
  sku('DWS Defined Duration A2 Core running in Americas', 'CPU', 'OnDemand', 0.016),
  sku('DWS Defined Duration A3 Ram running in Americas', 'RAM', 'OnDemand', 0.001),
  sku('Reserved Nvidia Tesla A100 80GB GPU in Virginia', 'GPU', 'OnDemand', 0),
  sku('Reserved Nvidia H100 80GB GPU in Americas in Calendar Mode', 'GPU', 'OnDemand', 3.1),
  sku('Commitment v1: Nvidia Tesla A100 GPU in Americas for 1 Year', 'GPU', 'Commit1Yr', 1.85),
  sku('Commitment v1: A2 Cpu in Americas for 1 Year', 'CPU', 'Commit1Yr', 0.02),
];

test('DWS, reservation and commitment SKUs never become a list price', () => {
  for (const d of [
    'Nvidia H100 80GB GPU attached to DWS Defined Duration VMs running in Americas',
    'DWS Defined Duration A2 Core running in Americas',
    'Reserved Nvidia Tesla A100 80GB GPU in Virginia',
    'Reserved Nvidia H100 80GB GPU in Americas in Calendar Mode',
    'Commitment v1: Nvidia Tesla A100 GPU in Americas for 1 Year',
  ])
    assert.equal(isListPrice(d), false, d);
  assert.equal(isListPrice('Nvidia H100 80GB GPU running in Americas'), true);
  const t = addSkus(emptyTable(), catalog).regions['us-central1']!;
  assert.equal(t.ondemand.gpu[gpuKey('nvidia-h100-80gb')!], LIST.h100, 'not the DWS 4.2');
  assert.equal(t.ondemand.gpu[gpuKey('nvidia-a100-80gb')!], LIST.a100_80, 'not DWS or a $0 reservation');
  assert.equal(t.ondemand.gpu[gpuKey('nvidia-tesla-a100')!], LIST.a100, 'not the commitment');
  assert.equal(t.ondemand.core['a2'], LIST.a2Core);
  assert.equal(t.ondemand.ram['a3'], LIST.a3Ram);
});

test('hourly price: attached GPUs (T4, L4, V100) and GPUs in the machine type (A2, A3, G2)', () => {
  const t = addSkus(emptyTable(), catalog);
  const n1 = { name: 'n1-standard-4', guestCpus: 4, memoryMb: 15 * 1024 };
  const n1Base = 4 * LIST.n1Core + 15 * LIST.n1Ram;
  // Shapes as machineTypes.get gives them (guestCpus, memoryMb, accelerators).
  const a2 = (name: string, gpu: string, gb: number) => ({
    name,
    guestCpus: 12,
    memoryMb: gb * 1024,
    accelerators: [{ type: gpu, count: 1 }],
  });
  const table: [string, MachineShape, string | null, number, 'spot' | 'ondemand', number | null][] = [
    ['n1 + T4', n1, 'nvidia-tesla-t4', 1, 'ondemand', n1Base + LIST.t4],
    ['n1 + 2 × V100', n1, 'nvidia-tesla-v100', 2, 'ondemand', n1Base + 2 * LIST.v100],
    ['n1 + L4 (no N1 spot SKU here)', n1, 'nvidia-l4', 1, 'spot', null],
    [
      'a2-highgpu-1g (A100 40GB)',
      a2('a2-highgpu-1g', 'nvidia-tesla-a100', 85),
      null,
      1,
      'ondemand',
      12 * LIST.a2Core + 85 * LIST.a2Ram + LIST.a100,
    ],
    [
      'a2-ultragpu-1g (A100 80GB)',
      a2('a2-ultragpu-1g', 'nvidia-a100-80gb', 170),
      null,
      1,
      'ondemand',
      12 * LIST.a2Core + 170 * LIST.a2Ram + LIST.a100_80,
    ],
    [
      'a3-highgpu-8g (8 × H100)',
      {
        name: 'a3-highgpu-8g',
        guestCpus: 208,
        memoryMb: 1872 * 1024,
        accelerators: [{ type: 'nvidia-h100-80gb', count: 8 }],
      },
      null,
      1,
      'ondemand',
      208 * LIST.a3Core + 1872 * LIST.a3Ram + 8 * LIST.h100,
    ],
    [
      'g2-standard-4 (L4)',
      {
        name: 'g2-standard-4',
        guestCpus: 4,
        memoryMb: 16 * 1024,
        accelerators: [{ type: 'nvidia-l4', count: 1 }],
      },
      null,
      1,
      'ondemand',
      4 * LIST.g2Core + 16 * LIST.g2Ram + LIST.l4,
    ],
    [
      'a2 without its GPU price is unknown, not CPU and RAM only',
      a2('a2-highgpu-1g', 'nvidia-tesla-k80', 85),
      null,
      1,
      'ondemand',
      null,
    ],
  ];
  for (const [name, shape, acc, count, model, want] of table) {
    const got = hourlyPrice(t, 'us-central1', shape, acc, count, model);
    if (want === null) assert.equal(got, null, name);
    else assert.ok(got !== null && Math.abs(got - want) < 1e-5, `${name}: ${got} vs ${want}`);
  }
});
