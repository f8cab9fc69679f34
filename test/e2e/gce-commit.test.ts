// `mymlops commit` on the gce backend as a user runs it (built CLI), against the project's Compute
// Engine simulator: real job script, real git, VMs that run their startup script and delete
// themselves; failover, global quota, preemption + retry, cancel, and gcloud's view of the VMs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GceBackend } from '../../src/adapters/backends/gce/gce.js';
import { runAsync, runCliAsync } from '../helpers/cli.js';
import { hasGcloud, type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import { waitFor } from '../helpers/wait.js';
import { bareRepo, FAKE_COMMAND, outputFile, outputFiles, userRepo } from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-gce-'));
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
let s: SimEnv;

// Attempt 1 of a commit sleeps (room to preempt it); later attempts run at once.
const SLOW_FIRST = `/usr/bin/python3 -c 'import json,os,time; j=json.load(open(os.environ["MYMLOPS_JOB_DIR"]+"/job.json")); time.sleep(60 if j["metadata"]["attempt"] == 1 else 0)'; ${FAKE_COMMAND}`;

function config(file: string, command: string, extra = ''): string {
  const path = join(repo, file);
  writeFileSync(path, simConfigYaml({ command, origin, out, accelerator: 'nvidia-tesla-t4', extra }));
  return path;
}

before(async () => {
  s = await startSim(tmp);
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  config('mymlops.yml', FAKE_COMMAND);
  config('slow.yml', SLOW_FIRST);
  config('auto.yml', SLOW_FIRST, '  retry:\n    preempted: 1\n');
});
after(async () => {
  await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** The built CLI, asynchronously (the simulator runs in this process and must keep serving). */
const cli = (args: string[], onStderr?: (all: string) => void) =>
  runCliAsync(args, { cwd: repo, env: { ...process.env, ...s.env }, onStderr });

const idOf = (text: string): string => /commit (\d{8}_\d{6})/.exec(text)![1]!;

/** `commit --detach` with the slow runner, once its job is running on the simulated VM. */
async function startSlowCommit(): Promise<{ id: string; name: string }> {
  const r = await cli(['--config', join(repo, 'slow.yml'), 'commit', 'notebooks/quick.ipynb', '--detach']);
  assert.equal(r.code, 0, r.stderr);
  const id = idOf(r.stdout);
  const name = `mymlops-${id.replace('_', '-')}`;
  await waitFor(
    () => vms().some((v) => v.name === name && v.serial.read(0).contents.includes('mymlops: running:')),
    { what: 'the job to run' },
  );
  return { id, name };
}
const meta = (id: string) => JSON.parse(outputFile(out, `${id}/metadata.json`)) as Record<string, unknown>;
const vms = () => [...s.sim.compute.world.instances.values()];
const backend = () => new GceBackend({ env: { ...process.env, ...s.env }, home: s.home, notify: () => {} });

describe('mymlops commit on gce (simulator)', () => {
  it('lands in the output repository with status, zone and cost; the VM deletes itself', async () => {
    const r = await cli(['commit', 'notebooks/quick.ipynb', '-n', 'on a T4']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const id = idOf(r.stderr);
    assert.match(r.stdout, /mymlops: job finished status=succeeded/);
    // The last line: duration, the cost at the zone's spot price, machine and zone.
    assert.match(
      r.stderr.trim().split('\n').pop()!,
      new RegExp(
        `^mymlops: commit ${id} succeeded in \\d+s · ~(<\\$0\\.01|\\$\\d+\\.\\d\\d) \\(n1-standard-4 spot, us-east1-c\\)$`,
      ),
    );
    const m = meta(id);
    assert.equal(m['status'], 'succeeded');
    assert.equal(m['backend'], 'gce');
    assert.equal(m['zone'], 'us-east1-c');
    assert.equal(m['machine_type'], 'n1-standard-4');
    assert.equal(m['accelerator'], 'nvidia-tesla-t4');
    assert.equal(m['instance'], `mymlops-${id.replace('_', '-')}`);
    assert.deepEqual(m['zones_tried'], []);
    const cost = m['cost'] as { hourly_usd: number; amount_usd: number; estimate: boolean };
    assert.equal(cost.hourly_usd, 0.138);
    assert.equal(cost.estimate, true);
    assert.ok(cost.amount_usd >= 0);
    assert.ok(outputFiles(out, id).includes(`${id}/job.log`));
    await waitFor(() => !vms().some((v) => v.name === m['instance']), { what: 'the VM to delete itself' });
  });

  it('--keep-instance keeps the VM; gcloud lists and describes it; cancel deletes it', async (t) => {
    const r = await cli(['commit', 'notebooks/quick.ipynb', '--keep-instance']);
    assert.equal(r.code, 0, r.stderr);
    const id = idOf(r.stderr);
    const name = `mymlops-${id.replace('_', '-')}`;
    // The startup script's last lines prove it is past the point where it would delete its VM.
    const vm = await waitFor(
      () =>
        vms().find(
          (v) =>
            v.name === name &&
            /keeping this VM[^\n]*\n.*startup script done/s.test(v.serial.read(0).contents),
        ),
      { what: 'the startup script to finish keeping its VM' },
    );
    assert.equal(vm.status, 'RUNNING', 'VM kept');
    if (!hasGcloud) {
      t.diagnostic('gcloud is not installed: skipping the gcloud contract check');
    } else {
      // gcloud reads the same overrides: endpoint, token file, project; isolated config dir.
      const genv = { ...process.env, ...s.gcloudEnv };
      const gl = await gcloud(['compute', 'instances', 'list', '--format=json'], genv);
      assert.equal(gl.code, 0, gl.stderr);
      const listed = JSON.parse(gl.stdout) as {
        name: string;
        labels: Record<string, string>;
        status: string;
      }[];
      const mine = listed.find((i) => i.name === name);
      assert.ok(mine, `gcloud lists ${name}`);
      assert.deepEqual(mine.labels, { mymlops: 'commit', 'mymlops-commit': id });
      const gd = await gcloud(
        ['compute', 'instances', 'describe', name, '--zone', 'us-east1-c', '--format=json'],
        genv,
      );
      assert.equal(gd.code, 0, gd.stderr);
      const d = JSON.parse(gd.stdout) as {
        scheduling: Record<string, unknown>;
        guestAccelerators: { acceleratorType: string }[];
      };
      assert.equal(d.scheduling['provisioningModel'], 'SPOT');
      assert.match(d.guestAccelerators[0]!.acceleratorType, /acceleratorTypes\/nvidia-tesla-t4$/);
    }
    const logs = await cli(['logs', id]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /mymlops: job finished status=succeeded/, 'logs reads the serial port');
    const c = await cli(['cancel', id]);
    assert.equal(c.code, 0, c.stderr);
    assert.ok(!vms().some((v) => v.name === name), 'cancel deleted the kept VM');
  });

  it('fails over from an exhausted zone and a region over quota to the third choice, recording both', async () => {
    await s.fault('us-east1-c', 'ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS');
    await s.fault('us-central1-b', 'QUOTA_EXCEEDED', { via: 'operation' });
    try {
      const r = await cli(['commit', 'notebooks/quick.ipynb']);
      assert.equal(r.code, 0, r.stderr);
      const m = meta(idOf(r.stderr));
      assert.equal(m['zone'], 'us-west1-a');
      const tried = m['zones_tried'] as { zone: string; code: string; scope: string }[];
      assert.deepEqual(
        tried.map((t) => [t.zone, t.code, t.scope]),
        [
          ['us-east1-c', 'ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS', 'zone'],
          ['us-central1-a', 'QUOTA_EXCEEDED', 'region'],
        ],
      );
    } finally {
      await s.clearFaults();
    }
  });

  it('a global GPU quota error stops at once with a one-line explanation', async () => {
    await s.fault(null, 'GPUS_ALL_REGIONS');
    const inserts = () =>
      s.sim.compute.world.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/instances')).length;
    const before = inserts();
    try {
      const r = await cli(['commit', 'notebooks/quick.ipynb']);
      assert.equal(r.code, 2);
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('mymlops: ') && !/creating|skipping/.test(l));
      const last = lines.at(-1)!;
      assert.match(last, /GPUS_ALL_REGIONS.*globally/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(inserts() - before, 1, 'one insert, no other zone tried');
      assert.equal(lines.length, 1, r.stderr);
    } finally {
      await s.clearFaults();
    }
  });

  it('a preempted commit shows stopped (preempted); retry completes it as attempt 2 elsewhere', async () => {
    const { id, name } = await startSlowCommit();
    await s.preempt(name);
    const b = backend();
    const m = await waitFor(
      async () => (await b.list()).find((x) => x.name === name && x.state === 'stopped'),
      { what: 'preempted state' },
    );
    assert.equal(m.reason, 'preempted');
    const rr = await cli(['--config', join(repo, 'slow.yml'), 'retry', id]);
    assert.equal(rr.code, 0, rr.stderr + rr.stdout);
    const md = meta(id);
    assert.equal(md['status'], 'succeeded');
    assert.equal(md['attempt'], 2);
    assert.notEqual(md['zone'], 'us-east1-c');
    assert.equal(md['instance'], `${name}-a2`);
    await waitFor(() => !vms().some((v) => v.name.startsWith(name)), { what: 'both VMs gone' });
  });

  it('cancel of a running commit: the job publishes cancelled, then the VM is deleted', async () => {
    const { id, name } = await startSlowCommit();
    const c = await cli(['cancel', id]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(meta(id)['status'], 'cancelled');
    await waitFor(() => !vms().some((v) => v.name === name), { what: 'the VM to be deleted' });
  });

  it('commit.retry.preempted relaunches automatically while the CLI follows', async () => {
    const seen = new Set(vms().map((v) => v.name));
    const run = cli(['--config', join(repo, 'auto.yml'), 'commit', 'notebooks/quick.ipynb']);
    const vm = await waitFor(
      () => vms().find((v) => !seen.has(v.name) && v.serial.read(0).contents.includes('mymlops: running:')),
      { what: 'the first attempt to run' },
    );
    await s.preempt(vm.name);
    const r = await run;
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stderr, new RegExp(`${vm.name} was preempted — relaunching \\(retry 1 of 1\\)`));
    const md = meta(idOf(r.stderr));
    assert.equal(md['status'], 'succeeded');
    assert.equal(md['attempt'], 2);
    assert.notEqual(md['zone'], vm.zone);
  });
});

const gcloud = (args: string[], env: NodeJS.ProcessEnv) =>
  runAsync('gcloud', args, { env, timeoutMs: 60_000 });
