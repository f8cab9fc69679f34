// Flows first built on the local backend, on the gce backend as a user runs them (built CLI against
// the Compute Engine simulator, real job and startup scripts, real git): a result kept on the
// stopped VM's disk when the output repository is away, then `mymlops publish`; a 2×3 sweep with
// --max-parallel 2 whose detached scheduler launches the VMs; a cost cap that stops a commit.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { groupLogPath } from '../../src/adapters/store/groups.js';
import { runCliAsync } from '../helpers/cli.js';
import { type SimEnv, startSim } from '../helpers/gce-sim.js';
import {
  commitRepos,
  commitWaitGo,
  FAKE_COMMAND,
  git,
  outputFile,
  outputFolders,
} from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-gce-flows-'));
const { origin, out, repo } = commitRepos(tmp);
// The job on the VM waits for this file before it runs the notebook: the test moves the output
// repository away while the job runs, then lets it go on.
const GO = join(tmp, 'go');
let s: SimEnv;

function config(file: string, command: string, extra = '', zoneRegex = 'us-.*'): string {
  const path = join(repo, file);
  writeFileSync(
    path,
    `backend: gce
commit:
  command: ${JSON.stringify(command)}
  instance:
    zone_regex: ${zoneRegex}
    machine_type: n1-standard-4
    snapshot: mymlops-base
    accelerator: nvidia-tesla-t4
  repository:
    url: ${JSON.stringify(origin)}
  output_repository:
    url: ${JSON.stringify(out)}
  progress_interval: 0
${extra}`,
  );
  return path;
}

before(async () => {
  // The VMs' job retries a failed push for 2 s instead of 5 minutes (the job reads it from its
  // environment; a simulated VM's environment is the simulator's vmEnv, not the CLI's).
  s = await startSim(tmp, { vmEnv: { MYMLOPS_PUBLISH_RETRY: '2' } });
  // An output repository with history: `status` can show its cached rows while it is away.
  const seed = join(tmp, 'seed');
  git(tmp, 'init', '-q', '--initial-branch=master', seed);
  writeFileSync(join(seed, 'README.md'), 'results\n');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'results');
  git(seed, 'push', '-q', out, 'master');
  commitWaitGo(repo, GO);
  config('mymlops.yml', FAKE_COMMAND);
  config('gated.yml', '/bin/bash wait_go.sh');
  // $0.0001 at the T4 machine's $0.138 an hour in us-east1 (the fixture's price) lasts 2 s; the
  // command would take a minute.
  config(
    'capped.yml',
    `/usr/bin/python3 -c 'import time; time.sleep(60)'; ${FAKE_COMMAND}`,
    '  max_cost_usd: 0.0001\n',
    'us-east1-.*',
  );
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => ({ ...process.env, ...s.env, MYMLOPS_SWEEP_POLL_MS: '200' });
const cli = (args: string[]) => runCliAsync(args, { cwd: repo, env: env() });
const idOf = (text: string): string => /commit (\d{8}_\d{6})/.exec(text)![1]!;
const vmName = (id: string) => `mymlops-${id.replace('_', '-')}`;
const vms = () => [...s.sim.compute.world.instances.values()];
const vm = (name: string) => vms().find((v) => v.name === name);
const serial = (name: string) => () =>
  (vm(name)?.serial.read(0).contents ?? '(no VM)').split('\n').slice(-40).join('\n');
const meta = (id: string) => JSON.parse(outputFile(out, `${id}/metadata.json`)) as Record<string, unknown>;

interface Row {
  id: string;
  status: string;
  reason: string | null;
}
async function statusRow(id: string): Promise<Row | undefined> {
  const r = await cli(['status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { commits: Row[] }).commits.find((x) => x.id === id);
}

describe('flows on gce (simulator)', () => {
  it('output repository away during the job: kept on the stopped VM, `publish` lands one folder', async () => {
    rmSync(GO, { force: true });
    const r = await cli(['--config', join(repo, 'gated.yml'), 'commit', 'notebooks/quick.ipynb', '--detach']);
    assert.equal(r.code, 0, r.stderr);
    const id = idOf(r.stdout + r.stderr);
    const name = vmName(id);
    await waitFor(() => vm(name)?.serial.read(0).contents.includes('mymlops: running:'), {
      what: 'the job to run',
      timeoutMs: 60_000,
      detail: serial(name),
    });
    const zone = vm(name)!.zone;
    // Fetched once, so status shows rows from its cache while the repository is away.
    assert.equal((await cli(['status'])).code, 0);
    renameSync(out, `${out}.away`);
    try {
      writeFileSync(GO, '');
      await waitFor(() => vm(name)?.status === 'TERMINATED', {
        what: 'the VM to stop itself, keeping the result',
        timeoutMs: 60_000,
        detail: serial(name),
      });
      assert.match(serial(name)(), /the result is not published: stopping this VM/);
      const table = await cli(['status']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(
        table.stdout,
        new RegExp(`^failed +${id} .*\\(not published: output repository .* unreachable`, 'm'),
        table.stdout,
      );
    } finally {
      renameSync(`${out}.away`, out);
    }
    const before = outputFolders(out).length;
    const p = await cli(['publish', id]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, new RegExp(`^started ${name} in ${zone}: publishing at the VM's boot`));
    let console = '';
    await waitFor(
      () => {
        const v = vm(name);
        if (v) console = v.serial.read(0).contents;
        return !v;
      },
      { what: 'the VM to publish and delete itself', timeoutMs: 60_000, detail: serial(name) },
    );
    assert.match(
      console,
      /publishing the result the job kept on this disk[\s\S]*publish mode exited with code 0/,
    );
    assert.deepEqual(
      outputFolders(out).filter((f) => f === id),
      [id],
    );
    assert.equal(outputFolders(out).length, before + 1);
    const m = meta(id);
    assert.equal(m['status'], 'succeeded');
    const nb = JSON.parse(outputFile(out, `${id}/quick.ipynb`)) as {
      cells: { execution_count: number | null }[];
    };
    assert.ok(
      nb.cells.some((c) => c.execution_count === 1),
      'the executed notebook was published',
    );

    const head = git(out, 'rev-parse', 'master');
    const again = await cli(['publish', id]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^commit ${id} has no kept result to publish: `));
    assert.equal(git(out, 'rev-parse', 'master'), head, 'publishing twice changes nothing');
    const row = await waitFor(
      async () => {
        const x = await statusRow(id);
        return x?.status === 'succeeded' ? x : undefined;
      },
      { what: `${id} to show succeeded`, intervalMs: 500 },
    );
    assert.equal(row.status, 'succeeded');
  });

  it('a 2×3 sweep with --max-parallel 2: six results, never more than two VMs at once, CLI gone first', async () => {
    const r = await cli([
      'commit',
      'notebooks/quick.ipynb',
      '-p',
      'lr=0.1,0.2',
      '-p',
      'seed=0..2',
      '--max-parallel',
      '2',
      '-y',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const { group, commits } = JSON.parse(r.stdout) as { group: string; commits: string[] };
    assert.equal(commits.length, 6);
    const ours = new Set(commits);
    const live = () =>
      vms().filter(
        (v) =>
          ours.has(v.body.labels?.['mymlops-commit'] ?? '') &&
          ['PROVISIONING', 'STAGING', 'RUNNING', 'STOPPING'].includes(v.status),
      );
    // The CLI has exited with at most two runs started: the others wait for the scheduler.
    const landed = new Set(outputFolders(out));
    const launched = new Set(vms().map((v) => v.body.labels?.['mymlops-commit']));
    assert.ok(
      commits.filter((c) => !landed.has(c) && !launched.has(c)).length >= 3,
      'at least three runs still queued',
    );

    let most = 0;
    const log = () =>
      existsSync(groupLogPath(group, s.home)) ? readFileSync(groupLogPath(group, s.home), 'utf8') : '';
    await waitFor(
      () => {
        most = Math.max(most, live().length);
        const folders = new Set(outputFolders(out));
        return commits.every((c) => folders.has(c)) && live().length === 0;
      },
      { what: 'six sweep results', timeoutMs: 180_000, detail: log },
    );
    assert.equal(most, 2, 'two VMs at a time, sampled from the simulator');
    const actives = [...log().matchAll(/active=(\d+) launching=(\d+)/g)].map(
      (m) => Number(m[1]) + Number(m[2]),
    );
    assert.ok(actives.length > 0 && Math.max(...actives) <= 2, log());
    assert.match(log(), /nothing queued: done/);
    const metas = commits.map(meta);
    for (const m of metas) assert.equal(m['status'], 'succeeded', String(m['message']));
    assert.deepEqual(
      metas.map((m) => m['parameters']),
      [0.1, 0.2].flatMap((lr) => [0, 1, 2].map((seed) => ({ lr, seed }))),
    );
    assert.ok(metas.every((m) => m['group'] === group && m['backend'] === 'gce'));
    assert.equal(new Set(metas.map((m) => m['source_commit'])).size, 1, 'one snapshot');
  });

  it('commit.max_cost_usd stops a commit: failed, with the cost cap in the status', async () => {
    const r = await cli(['--config', join(repo, 'capped.yml'), 'commit', 'notebooks/quick.ipynb']);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const id = idOf(r.stderr);
    assert.match(r.stdout, /mymlops: cost cap \$0\.0001 reached after 2s: stopping the command/);
    const m = meta(id);
    assert.equal(m['status'], 'failed');
    assert.equal((m['cost'] as { hourly_usd: number }).hourly_usd, 0.138);
    assert.equal(m['message'], 'cost cap $0.0001 reached after 2s');
    const row = await waitFor(
      async () => {
        const x = await statusRow(id);
        return x?.status === 'failed' ? x : undefined;
      },
      { what: `${id} to show failed`, intervalMs: 500 },
    );
    assert.equal(row.reason, 'cost cap $0.0001 reached after 2s');
    const table = await cli(['status']);
    assert.match(
      table.stdout,
      new RegExp(`^failed +${id} .*\\(cost cap \\$0\\.0001 reached after 2s\\)$`, 'm'),
    );
    await waitFor(() => !vm(vmName(id)), { what: 'the capped VM to delete itself' });
  });
});
