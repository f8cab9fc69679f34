// A VM mymlops did not launch from this computer (the original tool's, or another computer's),
// created here by a direct instances.insert with the `mymlops=commit` label as the original made
// them, on the Compute Engine simulator: `logs NAME` / `startup_logs ID` read and follow its serial
// port, `status` lists it as processing and `cancel ID` deletes it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCliAsync } from '../helpers/cli.js';
import { PROJECT, type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import { bareRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-foreign-'));
const dir = join(tmp, 'project');
const GO = join(tmp, 'go');
const ZONE = 'us-east1-c';
let s: SimEnv;

before(async () => {
  s = await startSim(tmp);
  bareRepo(join(tmp, 'out.git'));
  bareRepo(join(tmp, 'origin.git'));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'mymlops.yml'),
    simConfigYaml({ command: 'true', origin: join(tmp, 'origin.git'), out: join(tmp, 'out.git') }),
  );
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) => runCliAsync(args, { cwd: dir, env: { ...process.env, ...s.env } });

// biome-ignore lint/suspicious/noExplicitAny: API answers are read field by field
async function api(method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(`${s.sim.computeBase}projects/${PROJECT}/zones/${ZONE}/${path}`, {
    method,
    headers: { Authorization: 'Bearer t' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return r.json();
}

/** Creates a VM the way the original tool did: label mymlops=commit, mymlops-<key> metadata. */
async function originalVm(id: string, script: string): Promise<string> {
  const name = `mymlops-${id.replace('_', '-')}`;
  await api('POST', 'instances', {
    name,
    machineType: `zones/${ZONE}/machineTypes/n1-standard-4`,
    disks: [
      { boot: true, autoDelete: true, initializeParams: { sourceSnapshot: 'global/snapshots/mymlops-base' } },
    ],
    networkInterfaces: [{ network: 'global/networks/default' }],
    scheduling: { provisioningModel: 'SPOT', instanceTerminationAction: 'DELETE' },
    labels: { mymlops: 'commit' },
    metadata: {
      items: [
        { key: 'mymlops-commit', value: id },
        { key: 'mymlops-notebook', value: 'exp001.ipynb' },
        { key: 'mymlops-notes', value: 'launched by the original tool' },
        { key: 'startup-script', value: script },
      ],
    },
  });
  await waitFor(async () => (await api('GET', `instances/${name}`)).status === 'RUNNING', {
    what: `${name} to run`,
  });
  return name;
}

const serial = async (name: string): Promise<string> =>
  (await api('GET', `instances/${name}/serialPort?port=1&start=0`)).contents ?? '';

test('logs NAME and startup_logs ID read the serial port of a VM launched elsewhere; -f follows it', async () => {
  const id = '20261204_174509';
  const name = await originalVm(
    id,
    `echo "original job: cloning"\nwhile [ ! -e ${JSON.stringify(GO)} ]; do sleep 0.1; done\necho "original job: pushed"\nsleep 600\n`,
  );
  await waitFor(async () => (await serial(name)).includes('original job: cloning'), {
    what: 'the first line',
  });

  const byName = await cli(['logs', name]);
  assert.equal(byName.code, 0, byName.stderr);
  assert.match(byName.stdout, /original job: cloning/);
  const byId = await cli(['startup_logs', id, '--tail', '1']);
  assert.equal(byId.code, 0, byId.stderr);
  assert.match(byId.stdout, /original job: cloning/);

  const status = await cli(['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const row = JSON.parse(status.stdout).commits.find((c: { id: string }) => c.id === id);
  assert.equal(row?.status, 'processing');

  // Follow: once it has read the serial port twice it is following; then the VM writes more and stops.
  const serialReads = () =>
    s.sim.compute.world.requests.filter((q) => q.path.endsWith(`/instances/${name}/serialPort`)).length;
  const before = serialReads();
  const following = cli(['logs', name, '-f']);
  await waitFor(() => serialReads() >= before + 2, { what: 'logs -f to poll the serial port' });
  writeFileSync(GO, '');
  await waitFor(async () => (await serial(name)).includes('original job: pushed'), { what: 'the last line' });
  await api('POST', `instances/${name}/stop`);
  const f = await following;
  assert.equal(f.code, 0, f.stderr);
  assert.match(f.stdout, /original job: cloning[\s\S]*original job: pushed/);
});

test('cancel ID deletes a VM launched elsewhere at once', async () => {
  const id = '20261204_180000';
  const name = await originalVm(id, 'echo "original job: running"\nsleep 600\n');
  const r = await cli(['cancel', id]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `cancelled commit ${id} (${name})\n`);
  assert.equal((await api('GET', `instances/${name}`)).error?.code, 404);
});
