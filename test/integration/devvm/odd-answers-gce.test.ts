// Compute Engine's odd answers to a dev VM's calls (built CLI, simulator): a delete answered 200
// with an empty body is never "deleted" while the VM runs on; a delete killed after Compute Engine
// carried it out leaves a name that `delete` can still finish; an operation wait answered with empty
// bodies ends within its budget (exit 75, one line); odd answers to the listings and the insert are
// asked again (one VM); a 404 from the machine-types listing is one
// line naming the machine type. gcloud, a second client, confirms what exists.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { EXIT } from '../../../src/errors.js';
import { BIN, ensureBuilt, runAsync, runCliAsync } from '../../helpers/cli.js';
import { type SimEnv, startSim } from '../../helpers/gce-sim.js';
import { bareRepo, git } from '../../helpers/git-repo.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-odd-gce-'));
let s: SimEnv;
let env: NodeJS.ProcessEnv;
const origin = join(tmp, 'origin.git');
const repo = join(tmp, 'repo');
const cli = (args: string[]) => runCliAsync(args, { cwd: repo, env });

before(async () => {
  s = await startSim(tmp);
  bareRepo(origin);
  git(tmp, 'init', '-q', '--initial-branch=master', repo);
  writeFileSync(join(repo, 'README.md'), 'dev\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'dev');
  git(repo, 'push', '-q', origin, 'master');
  const cfg = (machineType: string) => `backend: gce
commit:
  command: "true"
  repository: {url: ${JSON.stringify(origin)}}
  output_repository: {url: ${JSON.stringify(join(tmp, 'out.git'))}}
  instance: {zone_regex: "us-.*", machine_type: ${machineType}, snapshot: dev-image}
start:
  command: sleep 600
  repository: {url: ${JSON.stringify(origin)}}
  instance: {zone_regex: "us-.*", machine_type: ${machineType}, snapshot: dev-image}
  idle_shutdown: {timeout: 10m, interval: 1}
`;
  bareRepo(join(tmp, 'out.git'));
  writeFileSync(join(repo, 'mymlops.yml'), cfg('e2-medium'));
  writeFileSync(join(repo, 'nosuch.yml'), cfg('e2-nosuch-4'));
  env = { ...process.env, ...s.gcloudEnv, MYMLOPS_GCE_RETRY_BUDGET_MS: '1500' };
});
afterEach(async () => {
  await s.release();
  await s.clearFaults();
});
after(async () => {
  await s?.close();
  if (!process.env['KEEP']) rmSync(tmp, { recursive: true, force: true });
});

/** The instances gcloud lists with this name, and their status. */
async function gcloudSees(name: string): Promise<string[]> {
  const gl = await runAsync('gcloud', ['compute', 'instances', 'list', '--format=json'], {
    env,
    timeoutMs: 60_000,
  });
  assert.equal(gl.code, 0, gl.stderr);
  return (JSON.parse(gl.stdout) as { name: string; status: string }[])
    .filter((i) => i.name === name)
    .map((i) => i.status);
}

const oneLine = (stderr: string) => {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.doesNotMatch(stderr, /internal error|\n\s+at /);
  return lines[0]!;
};

describe('Compute Engine odd answers to dev VM calls (simulator)', () => {
  it('delete answered 200 with an empty body: exit 75, never "deleted", the VM still runs', async () => {
    const st = await cli(['start', '--name', 'dev-e']);
    assert.equal(st.code, 0, st.stderr + st.stdout);
    await s.fault(null, 'EMPTY_BODY', { path: '/instances/dev-e$', method: 'DELETE' });
    const del = await cli(['delete', 'dev-e', '-y']);
    assert.equal(del.code, EXIT.unavailable, del.stderr + del.stdout);
    assert.doesNotMatch(del.stdout, /deleted/);
    assert.match(
      oneLine(del.stderr),
      /^mymlops: Compute Engine did not answer \(HTTP 200 with an empty body\) — /,
    );
    assert.deepEqual(await gcloudSees('dev-e'), ['RUNNING']);
    // Once Compute Engine answers properly the same command deletes it.
    await s.clearFaults();
    const again = await cli(['delete', 'dev-e', '-y']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /deleted dev machine dev-e/);
    assert.deepEqual(await gcloudSees('dev-e'), []);
  });

  it('a delete killed after Compute Engine carried it out: delete NAME finishes it', async () => {
    const st = await cli(['start', '--name', 'dev-k']);
    assert.equal(st.code, 0, st.stderr + st.stdout);
    await s.hold('/instances/dev-k$', 'after', 'DELETE');
    ensureBuilt();
    const child = spawn(process.execPath, [BIN, 'delete', 'dev-k', '-y'], {
      cwd: repo,
      env,
      stdio: 'ignore',
    });
    const closed = new Promise((r) => child.on('close', r));
    await waitFor(() => s.held() > 0, { what: 'the delete to be carried out' });
    child.kill('SIGKILL');
    await closed;
    await s.release();
    await waitFor(async () => (await gcloudSees('dev-k')).length === 0, { what: 'the VM to go' });
    const ghost = await cli(['stop', 'dev-k']);
    assert.equal(ghost.code, EXIT.usage);
    assert.equal(
      oneLine(ghost.stderr),
      'mymlops: dev machine dev-k no longer exists (only its record here does) — forget it with `mymlops delete dev-k`',
    );
    const del = await cli(['delete', 'dev-k', '-y']);
    assert.equal(del.code, 0, del.stderr + del.stdout);
    assert.match(del.stdout, /dev machine dev-k was already deleted; forgot it here/);
    // Forgotten: no longer a known name.
    const stop = await cli(['stop', 'dev-k']);
    assert.equal(stop.code, EXIT.usage);
    assert.doesNotMatch(stop.stderr, /known: .*dev-k/);
  });

  it('operations.wait answered 200 with empty bodies: start ends within its budget, exit 75', async () => {
    await s.fault(null, 'EMPTY_BODY', { path: '/operations/[^/]+/wait$', method: 'POST' });
    const st = await cli(['start', '--name', 'dev-w']);
    assert.equal(st.code, EXIT.unavailable, st.stderr + st.stdout);
    assert.match(
      st.stderr.trim().split('\n').at(-1)!,
      /Compute Engine did not answer \(HTTP 200 with an empty body\) — /,
    );
    assert.doesNotMatch(st.stderr, /internal error|\n\s+at /);
  });

  it('odd answers to the listings and the insert are asked again: one VM, started', async () => {
    await s.fault(null, 'EMPTY_BODY', { path: '/aggregated/machineTypes$', method: 'GET', times: 1 });
    await s.fault(null, 'NOT_JSON', { path: '/aggregated/instances$', method: 'GET', times: 1 });
    await s.fault(null, 'EMPTY_BODY', { path: '/zones/[^/]+/instances$', method: 'POST', times: 1 });
    const st = await cli(['start', '--name', 'dev-r']);
    assert.equal(st.code, 0, st.stderr + st.stdout);
    const served = s.sim.compute.world.rateLimits.reduce((n, r) => n + r.served, 0);
    assert.equal(served, 3, 'every odd answer was met');
    // The insert asked again carries the same requestId: exactly one VM.
    assert.deepEqual(await gcloudSees('dev-r'), ['RUNNING']);
    const del = await cli(['delete', 'dev-r', '-y']);
    assert.equal(del.code, 0, del.stderr);
  });

  it('a 404 from the machine-types listing: one line naming the machine type, exit 2', async () => {
    await s.fault(null, 'NOT_FOUND', { path: '/aggregated/machineTypes$', method: 'GET' });
    const st = await cli(['--config', 'nosuch.yml', 'start', '--name', 'dev-n']);
    assert.equal(st.code, EXIT.usage, st.stderr + st.stdout);
    assert.match(
      oneLine(st.stderr),
      /^mymlops: machine type e2-nosuch-4 in zones matching us-\.\* not found in project .* — check instance\.machine_type and instance\.zone_regex/,
    );
    assert.deepEqual(await gcloudSees('dev-n'), []);
  });
});
