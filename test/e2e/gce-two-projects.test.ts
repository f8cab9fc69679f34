// Two projects sharing one MYMLOPS_HOME on the gce backend (built CLI, Compute Engine simulator):
// project b's running VM and launch record never show in project a's status (neither as its own
// row nor as `lost`), and a's finished commit never shows in b's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCliAsync } from '../helpers/cli.js';
import { type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import { bareRepo, FAKE_COMMAND, userRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-gce-projects-'));
const origin = join(tmp, 'origin.git');
const repo = join(tmp, 'repo');
const cfg = { a: join(tmp, 'a.yml'), b: join(tmp, 'b.yml') };
let s: SimEnv;

before(async () => {
  s = await startSim(tmp);
  bareRepo(origin);
  userRepo(repo);
  writeFileSync(
    cfg.a,
    simConfigYaml({ command: FAKE_COMMAND, origin, out: bareRepo(join(tmp, 'out-a.git')) }),
  );
  // Project b's job runs long enough to be running while project a looks.
  writeFileSync(
    cfg.b,
    simConfigYaml({ command: `sleep 60; ${FAKE_COMMAND}`, origin, out: bareRepo(join(tmp, 'out-b.git')) }),
  );
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const cli = (p: 'a' | 'b', args: string[]) =>
  runCliAsync(['-c', cfg[p], ...args], { cwd: repo, env: { ...process.env, ...s.env } });

async function rows(p: 'a' | 'b'): Promise<{ id: string; status: string }[]> {
  const r = await cli(p, ['status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).commits;
}

test("each project's status shows only its own commits and VMs", async () => {
  const a = await cli('a', ['commit', 'notebooks/quick.ipynb']);
  assert.equal(a.code, 0, a.stderr);
  const idA = /commit (\d{8}_\d{6})/.exec(a.stderr)![1]!;
  const b = await cli('b', ['commit', 'notebooks/quick.ipynb', '--detach']);
  assert.equal(b.code, 0, b.stderr);
  const idB = /commit (\d{8}_\d{6})/.exec(b.stdout)![1]!;
  const vmB = `mymlops-${idB.replace('_', '-')}`;
  await waitFor(
    () => [...s.sim.compute.world.instances.values()].some((v) => v.name === vmB && v.status === 'RUNNING'),
    { what: "project b's VM to run" },
  );
  assert.deepEqual(
    (await rows('a')).map((r) => [r.id, r.status]),
    [[idA, 'succeeded']],
  );
  assert.deepEqual(
    (await rows('b')).map((r) => [r.id, r.status]),
    [[idB, 'processing']],
  );
  const c = await cli('b', ['cancel', idB]);
  assert.equal(c.code, 0, c.stderr);
});
