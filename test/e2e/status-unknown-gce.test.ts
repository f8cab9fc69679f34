// While Compute Engine cannot be asked (every list answers 503), a running commit with no result
// yet is `unknown` — never `lost`, and never offered to `mymlops retry`, which would run it twice.
// Once the API answers again, the same commit is `processing`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCliAsync } from '../helpers/cli.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import { bareRepo, userRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-unknown-'));
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
let s: SimEnv;
let proxy: FaultProxy;

before(async () => {
  s = await startSim(tmp);
  proxy = await startFaultProxy(s.sim.computeBase);
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  // Runs until the test is over (bounded): the commit stays running while the API fails.
  const command = `/usr/bin/python3 -c 'import time; time.sleep(120)'`;
  writeFileSync(join(repo, 'mymlops.yml'), simConfigYaml({ command, origin, out }));
});
after(async () => {
  await proxy?.close();
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCliAsync(args, { cwd: repo, env: { ...process.env, ...s.env, ...env } });

test('a running commit is unknown while the list answers 503, processing once it answers', async () => {
  const r = await cli(['commit', 'notebooks/quick.ipynb', '--detach']);
  assert.equal(r.code, 0, r.stderr);
  const id = /commit (\d{8}_\d{6})/.exec(r.stdout + r.stderr)![1]!;
  await waitFor(
    () =>
      [...s.sim.compute.world.instances.values()].some((v) =>
        v.serial.read(0).contents.includes('mymlops: running:'),
      ),
    { what: 'the job to run' },
  );
  proxy.failFor(600_000, ['503']);
  const down = {
    CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: proxy.computeBase,
    MYMLOPS_GCE_RETRY_BUDGET_MS: '300',
  };
  const json = await cli(['status', '--json'], down);
  assert.equal(json.code, 0, json.stderr);
  const snap = JSON.parse(json.stdout) as { commits: { id: string; status: string }[]; warnings: string[] };
  assert.equal(snap.commits.find((c) => c.id === id)?.status, 'unknown', json.stdout);
  assert.ok(
    snap.warnings.some((w) => /could not list gce machines/.test(w)),
    snap.warnings.join('\n'),
  );
  const table = await cli(['status'], down);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, new RegExp(`${id}.*unknown`));
  assert.doesNotMatch(
    table.stdout + table.stderr,
    /mymlops retry/,
    'no retry offered for a commit that may run',
  );
  assert.ok(proxy.served['503'] > 0, 'the 503s were served');

  proxy.failFor(0, []);
  const up = await cli(['status', '--json']);
  const again = JSON.parse(up.stdout) as { commits: { id: string; status: string }[] };
  assert.equal(again.commits.find((c) => c.id === id)?.status, 'processing');
  const cancel = await cli(['cancel', id]);
  assert.equal(cancel.code, 0, cancel.stderr);
});
