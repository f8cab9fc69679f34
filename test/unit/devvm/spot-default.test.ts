// Dev VMs are spot unless the config says `spot: false`, as every VM the original created was: the
// original's own config, loaded unchanged, yields a SPOT insert body that stops (not deletes) on
// preemption, so `start --name` can resume it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { instanceBody } from '../../../src/adapters/backends/gce/instance-body.js';
import { loadConfigFile } from '../../../src/config/load.js';
import { planStart } from '../../../src/core/devvm/plan.js';
import { readStartScript } from '../../../src/adapters/assets.js';

const fixture = join(import.meta.dirname, '..', '..', 'fixtures', 'original-config');
const tmp = mkdtempSync(join(tmpdir(), 'mymlops-spot-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function devBody(yaml: string): Record<string, any> {
  const dir = mkdtempSync(join(tmp, 'c-'));
  writeFileSync(join(dir, 'mymlops.yml'), yaml);
  writeFileSync(join(dir, '.env'), readFileSync(join(fixture, '.env')));
  const config = loadConfigFile(join(dir, 'mymlops.yml'), { cwd: dir, env: {} });
  const plan = planStart({ config, name: 'dev-a', jobScript: readStartScript() });
  const gcp = { project: 'p', network: null, subnetwork: null, service_account: 'default' };
  return instanceBody({ plan, project: 'p', zone: 'asia-northeast1-a', gcp, keys: {} }) as Record<
    string,
    any
  >;
}

const original = readFileSync(join(fixture, 'mymlops.yml'), 'utf8');

test("the original's config starts a spot dev VM that stops when preempted", () => {
  const s = devBody(original)['scheduling'];
  assert.equal(s.provisioningModel, 'SPOT');
  assert.equal(s.instanceTerminationAction, 'STOP');
});

test('spot: false under start.instance opts out (on-demand)', () => {
  const yaml = original.replace(
    '    machine_type: n1-standard-4\n',
    '    machine_type: n1-standard-4\n    spot: false\n',
  );
  assert.notEqual(yaml, original);
  assert.equal(devBody(yaml)['scheduling'].provisioningModel, 'STANDARD');
});
