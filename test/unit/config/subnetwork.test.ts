import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfigFile } from '../../../src/config/load.js';
import { UserError } from '../../../src/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-subnet-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function load(gcp: string) {
  const file = join(tmp, `${n++}.yml`);
  writeFileSync(
    file,
    `backend: local
gcp:
${gcp}
commit:
  command: run
  repository: { url: /srv/repo.git }
  output_repository: { url: /srv/out.git }
`,
  );
  return loadConfigFile(file, { cwd: tmp, env: {} });
}

const cases: {
  name: string;
  yaml: string;
  network?: string | null;
  want: Record<string, string> | null | RegExp;
}[] = [
  { name: 'none', yaml: '  project: my-project', network: null, want: null },
  {
    name: 'one subnetwork: its own region',
    yaml: '  subnetwork: regions/us-east1/subnetworks/ml',
    network: null,
    want: { 'us-east1': 'regions/us-east1/subnetworks/ml' },
  },
  {
    name: 'one subnetwork as a full URL',
    yaml: '  subnetwork: https://www.googleapis.com/compute/v1/projects/p/regions/europe-west4/subnetworks/ml',
    want: {
      'europe-west4': 'https://www.googleapis.com/compute/v1/projects/p/regions/europe-west4/subnetworks/ml',
    },
  },
  {
    name: 'a map: bare names become the region’s subnetwork',
    yaml: '  network: global/networks/vpc\n  subnetwork:\n    us-east1: ml\n    us-west1: regions/us-west1/subnetworks/other',
    network: 'global/networks/vpc',
    want: { 'us-east1': 'regions/us-east1/subnetworks/ml', 'us-west1': 'regions/us-west1/subnetworks/other' },
  },
  { name: 'a bare name alone says nothing of its region', yaml: '  subnetwork: ml', want: /gcp\.subnetwork/ },
  {
    name: 'a map key that is not a region',
    yaml: '  subnetwork:\n    us-east1-b: ml',
    want: /gcp\.subnetwork/,
  },
  { name: 'an empty map', yaml: '  subnetwork: {}', want: /gcp\.subnetwork/ },
];

for (const c of cases) {
  test(`gcp.subnetwork: ${c.name}`, () => {
    if (c.want instanceof RegExp) {
      const e = (() => {
        try {
          load(c.yaml);
        } catch (x) {
          return x;
        }
        return null;
      })();
      assert.ok(e instanceof UserError, String(e));
      assert.match([e.message, ...e.details].join('\n'), c.want);
      return;
    }
    const cfg = load(c.yaml);
    assert.deepEqual(cfg.gcp.subnetwork, c.want);
    if (c.network !== undefined) assert.equal(cfg.gcp.network, c.network);
  });
}
