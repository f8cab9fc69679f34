// `mymlops commit` on gce (built CLI, simulator) killed at each step of its launch — while the zones
// are chosen, with the insert sent but not carried out, with the VM created but the answer held,
// between the insert and its operation DONE — by SIGINT or SIGKILL: before any insert everything is
// undone; after, the launch record leads `status` and `cancel ID` to the commit and the VM goes. A
// lost insert answer makes exactly one VM. Each step is known from a simulator hold, never a sleep.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { BIN, ensureBuilt, runCliAsync } from '../helpers/cli.js';
import { type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import { commitRepos, FAKE_COMMAND, snapshotRefs } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-gce-interrupt-'));
const { origin, out, repo } = commitRepos(tmp);
let s: SimEnv;

before(async () => {
  s = await startSim(tmp);
  // The job stays up long enough to be cancelled.
  writeFileSync(
    join(repo, 'mymlops.yml'),
    simConfigYaml({ command: `sleep 120; ${FAKE_COMMAND}`, origin, out, accelerator: 'nvidia-tesla-t4' }),
  );
});
afterEach(async () => {
  await s.release();
  await s.clearFaults();
});
after(async () => {
  await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => ({
  ...process.env,
  ...s.env,
  NO_COLOR: '1',
  MYMLOPS_GCE_CANCEL_GRACE_MS: '30000',
  MYMLOPS_GCE_RETRY_BUDGET_MS: '500',
});
const cli = (args: string[]) => runCliAsync(args, { cwd: repo, env: env() });

/** `commit --detach` as a child we can kill; its stderr and exit are collected. */
function startCommit(): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null }>;
  stderr: () => string;
} {
  ensureBuilt();
  const child = spawn(process.execPath, [BIN, '--verbose', 'commit', 'notebooks/quick.ipynb', '--detach'], {
    cwd: repo,
    env: env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d;
  });
  child.stdout!.resume();
  const done = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, done, stderr: () => err };
}

const jobsDir = () => join(s.home, 'jobs');
/** Commit ids already used by earlier tests. */
const seen = new Set<string>();
const newestId = () =>
  waitFor(
    () =>
      (existsSync(jobsDir()) ? readdirSync(jobsDir()) : [])
        .filter((id) => !seen.has(id))
        .sort()
        .pop(),
    { what: 'the commit id to be reserved' },
  );
const vmsOf = (id: string) =>
  [...s.sim.compute.world.instances.values()].filter(
    (i) => (i.body['labels'] as Record<string, string>)?.['mymlops-commit'] === id,
  );
const record = (id: string) =>
  JSON.parse(readFileSync(join(jobsDir(), id, 'launch.json'), 'utf8')) as Record<string, unknown>;

/** Starts a commit, waits until the simulator holds its request at `step`, kills it with `sig`. */
async function killAt(path: string, when: 'before' | 'after', sig: NodeJS.Signals, method = '*') {
  await s.hold(path, when, method);
  const c = startCommit();
  await waitFor(() => s.held() > 0, { what: `the CLI to reach ${path} (${when})`, detail: c.stderr });
  const id = await newestId();
  seen.add(id);
  c.child.kill(sig);
  const exit = await c.done;
  return { id, exit, stderr: c.stderr() };
}

/** After the kill: status shows the commit, cancel reaches it, its VM is gone. */
async function cancelReaches(id: string) {
  const st = await cli(['status', '--json']);
  assert.ok(st.stdout.includes(id), `status lists ${id}: ${st.stdout.slice(0, 500)}${st.stderr}`);
  await waitFor(() => vmsOf(id).some((v) => v.status === 'RUNNING'), { what: 'the VM to run' });
  const r = await cli(['cancel', id]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, new RegExp(`cancelled commit ${id}`));
  await waitFor(() => vmsOf(id).length === 0, { what: 'the VM to be deleted' });
}

describe('a commit launch killed at each step (gce simulator, built CLI)', () => {
  it('SIGINT while the zones are chosen: nothing is created, the ref and the folder are removed', async () => {
    const { id, exit, stderr } = await killAt('/aggregated/machineTypes', 'before', 'SIGINT', 'GET');
    await s.release();
    assert.equal(exit.code, 130, stderr);
    assert.match(stderr, /interrupted before the launch/);
    assert.ok(!existsSync(join(jobsDir(), id)), 'job folder removed');
    assert.ok(!snapshotRefs(origin).includes(`refs/mymlops/snapshots/${id}`), 'snapshot ref removed');
    assert.equal(vmsOf(id).length, 0);
  });

  it('SIGKILL with the insert sent but not yet carried out: the record leads cancel to the VM', async () => {
    const { id, exit } = await killAt('/instances$', 'before', 'SIGKILL', 'POST');
    assert.equal(exit.signal, 'SIGKILL');
    const rec = record(id);
    assert.equal(rec['state'], 'launching');
    assert.match(String(rec['zone']), /^us-/);
    assert.match(String(rec['request_id']), /^[0-9a-f-]{36}$/);
    await s.release(); // the request was on its way: GCE carries it out although the CLI is gone
    await cancelReaches(id);
  });

  it('SIGINT with the VM created and the answer held: exit 130 naming cancel; cancel reaches it', async () => {
    const { id, exit, stderr } = await killAt('/instances$', 'after', 'SIGINT', 'POST');
    assert.equal(exit.code, 130, stderr);
    assert.match(
      stderr,
      new RegExp(`commit ${id} may be starting on mymlops-.* in us-.*mymlops cancel ${id}`),
    );
    assert.equal(record(id)['state'], 'launching');
    assert.ok(snapshotRefs(origin).includes(`refs/mymlops/snapshots/${id}`), 'the VM needs its ref');
    await s.release();
    await cancelReaches(id);
  });

  it('SIGKILL between the insert and its operation DONE: cancel reaches it', async () => {
    const { id, exit } = await killAt('/operations/[^/]+/wait$', 'before', 'SIGKILL', 'POST');
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(record(id)['state'], 'launching');
    await s.release();
    await cancelReaches(id);
  });

  it('an insert whose answer never arrives makes exactly one VM', async () => {
    await s.fault(null, 'RESPONSE_LOST', { times: 1000 });
    const r = await cli(['commit', 'notebooks/quick.ipynb', '--detach', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const id = String(JSON.parse(r.stdout).commit);
    seen.add(id);
    assert.equal(vmsOf(id).length, 1, 'one VM');
    assert.equal(record(id)['state'], 'launched');
    await s.clearFaults();
    await cancelReaches(id);
  });
});
