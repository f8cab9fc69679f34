// A commit stopped mid-run on the gce backend, as a user lives it (built CLI against the Compute
// Engine simulator, real job script and git): a preemption pushes the partly executed notebook and
// shows `stopped (preempted)`, `retry` and `commit.retry.preempted` finish it as attempt 2, the
// follower says what happened; a cancel still publishes `cancelled` and `gcloud compute instances
// stop` gives `stopped`. The simulator's soft-off follows the guest agent's unit files: only the
// startup script's runner is signalled (KillMode=process), so what stops the job and pushes the
// partial notebook is the VM's shutdown-script. Every test makes its own commit; each waits on what
// it needs to see.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAsync, runCliAsync } from '../helpers/cli.js';
import { hasGcloud, PROJECT, type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import { commitRepos, git, outputFile } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-preempt-'));
const { origin, out, repo } = commitRepos(tmp);
let s: SimEnv;

// Five code cells; the fourth waits on attempt 1 only (room to stop it after three cells ran),
// so a later attempt runs straight through. As fake_run.py: the notebook is written after each cell.
const RUNNER = `import json, os, sys, time
attempt = json.load(open(os.environ["MYMLOPS_JOB_DIR"] + "/job.json"))["metadata"]["attempt"]
path = sys.argv[1]
nb = json.load(open(path))
for n, cell in enumerate([c for c in nb["cells"] if c["cell_type"] == "code"], 1):
    if "wait here" in "".join(cell["source"]) and attempt == 1:
        time.sleep(120)
    cell["execution_count"] = n
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ran cell %d\\n" % n]}]
    json.dump(nb, open(path + ".tmp", "w"), indent=1)
    os.replace(path + ".tmp", path)
    print("runner: cell %d done" % n, flush=True)
`;
const cell = (src: string) => ({
  cell_type: 'code',
  execution_count: null,
  metadata: {},
  outputs: [],
  source: [src],
});
const NOTEBOOK = {
  cells: [cell('a = 1'), cell('b = 2'), cell('c = 3'), cell('# wait here'), cell('d = 4')],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
};
const NB = 'notebooks/five.ipynb';

function config(file: string, extra = ''): string {
  const path = join(repo, file);
  writeFileSync(path, simConfigYaml({ command: '/usr/bin/python3 attempt_run.py', origin, out, extra }));
  return path;
}

before(async () => {
  // The spot grace is real time: long enough for the partial push on a loaded machine. It costs
  // nothing when the job is quicker: the power goes off as soon as the startup script has ended.
  s = await startSim(tmp, { spotGraceMs: 20_000, standardGraceMs: 20_000 });
  writeFileSync(join(repo, 'attempt_run.py'), RUNNER);
  writeFileSync(join(repo, NB), JSON.stringify(NOTEBOOK, null, 1));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'five cells');
  config('mymlops.yml');
  config('auto.yml', '  retry:\n    preempted: 1\n');
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[], timeoutMs = 120_000) =>
  runCliAsync(args, { cwd: repo, env: { ...process.env, ...s.env }, timeoutMs });
const idOf = (text: string): string => /commit (\d{8}_\d{6})/.exec(text)![1]!;
const vms = () => [...s.sim.compute.world.instances.values()];
const serialOf = (name: string) =>
  vms()
    .find((v) => v.name === name)
    ?.serial.read(0).contents ?? '';
const meta = (id: string) => JSON.parse(outputFile(out, `${id}/metadata.json`)) as Record<string, unknown>;
const notebook = (id: string) =>
  JSON.parse(outputFile(out, `${id}/five.ipynb`)) as { cells: { execution_count: number | null }[] };

/** The VM of a new commit once its third cell has run (the job then waits in the fourth). */
async function threeCellsDone(seen: Set<string>): Promise<string> {
  return waitFor(
    () =>
      vms().find((v) => !seen.has(v.name) && v.serial.read(0).contents.includes('runner: cell 3 done'))?.name,
    { what: 'three cells to run on a new VM', timeoutMs: 60_000 },
  );
}

async function detached(): Promise<{ id: string; name: string }> {
  const seen = new Set(vms().map((v) => v.name));
  const r = await cli(['commit', NB, '--detach']);
  assert.equal(r.code, 0, r.stderr);
  const id = idOf(r.stdout + r.stderr);
  const name = await threeCellsDone(seen);
  assert.equal(name, `mymlops-${id.replace('_', '-')}`);
  return { id, name };
}

interface Row {
  id: string;
  status: string;
  reason: string | null;
}
async function statusRow(id: string): Promise<Row | undefined> {
  const r = await cli(['status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as Row[] | { commits: Row[] };
  return (Array.isArray(rows) ? rows : rows.commits).find((x) => x.id === id);
}
/** `status --json` until the commit's row is `status` (bounded). */
const rowBecomes = (id: string, status: string) =>
  waitFor(
    async () => {
      const row = await statusRow(id);
      return row?.status === status ? row : undefined;
    },
    { what: `${id} to show ${status}`, timeoutMs: 60_000, intervalMs: 500 },
  );

/** The job's own lines of a VM's serial console, for failure messages. */
const log = (name: string) => () => serialOf(name).split('\n').slice(-40).join('\n');

/** The soft-off reached the job through the shutdown script alone, as on GCE. */
function stoppedByShutdownScript(name: string): void {
  const serial = serialOf(name);
  assert.match(serial, /mymlops-vm: the machine is shutting down: stopping the job/, serial);
  // commit-startup.sh's own TERM trap says just this: it must not have been signalled.
  assert.doesNotMatch(serial, /mymlops-vm: the machine is shutting down$/m);
  assert.match(serial, /mymlops-vm: shutdown script done/);
}

describe('a commit stopped mid-run on gce (simulator)', () => {
  it('preempted: stopped (preempted) with the partial notebook; retry finishes it as attempt 2', async () => {
    const { id, name } = await detached();
    await s.preempt(name);
    const row = await rowBecomes(id, 'stopped');
    assert.equal(row.reason, 'preempted', log(name)());
    const table = await cli(['status']);
    // The table: status `stopped`, the reason after the notes.
    assert.match(table.stdout, new RegExp(`^stopped +${id} .*\\(preempted\\)$`, 'm'));
    const m = meta(id);
    assert.equal(m['status'], 'processing');
    assert.equal(m['interrupted'], 'preempted');
    assert.deepEqual(
      notebook(id).cells.map((c) => c.execution_count),
      [1, 2, 3, null, null],
      'the partly executed notebook was pushed',
    );
    await waitFor(() => vms().find((v) => v.name === name)?.status === 'TERMINATED', {
      what: 'the preempted VM to be kept, TERMINATED',
      detail: log(name),
    });
    stoppedByShutdownScript(name);

    const rr = await cli(['retry', id]);
    assert.equal(rr.code, 0, rr.stderr + rr.stdout);
    const m2 = meta(id);
    assert.equal(m2['status'], 'succeeded');
    assert.equal(m2['attempt'], 2);
    assert.equal(m2['instance'], `${name}-a2`);
    const attempts = m2['attempts'] as { attempt: number; status: string }[];
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.status]),
      [[1, 'stopped']],
    );
    assert.deepEqual(
      notebook(id).cells.map((c) => c.execution_count),
      [1, 2, 3, 4, 5],
    );
    assert.equal((await rowBecomes(id, 'succeeded')).status, 'succeeded');
  });

  it('the follower says the commit was preempted, how far it got and how to run it again', async () => {
    const seen = new Set(vms().map((v) => v.name));
    const run = cli(['commit', NB]);
    const name = await threeCellsDone(seen);
    await s.preempt(name);
    const r = await run;
    assert.equal(r.code, 1, r.stderr);
    const id = idOf(r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `commit ${id} was preempted after 3/5 cells — partial notebook pushed; \`mymlops retry ${id}\``,
      ),
    );
    assert.doesNotMatch(r.stderr, /killed\?/);
    assert.equal(meta(id)['interrupted'], 'preempted');
  });

  it('commit.retry.preempted: 1 — a followed commit finishes by itself', async () => {
    const seen = new Set(vms().map((v) => v.name));
    const run = cli(['--config', join(repo, 'auto.yml'), 'commit', NB]);
    const name = await threeCellsDone(seen);
    await s.preempt(name);
    const r = await run;
    assert.equal(r.code, 0, r.stderr + r.stdout);
    // The first attempt ended with its own result (the shutdown push), and still was relaunched.
    assert.match(r.stdout, /mymlops: job finished status=stopped/);
    assert.match(r.stderr, new RegExp(`${name} was preempted — relaunching \\(retry 1 of 1\\)`));
    const m = meta(idOf(r.stderr));
    assert.equal(m['status'], 'succeeded');
    assert.equal(m['attempt'], 2);
    assert.deepEqual(
      (m['attempts'] as { attempt: number; status: string }[]).map((a) => [a.attempt, a.status]),
      [[1, 'stopped']],
    );
  });

  it('cancel mid-run still gives cancelled', async () => {
    const { id, name } = await detached();
    const c = await cli(['cancel', id]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(meta(id)['status'], 'cancelled', log(name)());
    assert.equal((await rowBecomes(id, 'cancelled')).status, 'cancelled');
    await waitFor(() => !vms().some((v) => v.name === name), { what: 'the VM to be deleted' });
  });

  it('instances.stop mid-run (gcloud compute instances stop) gives stopped (reason stopped, not preempted)', async () => {
    const { id, name } = await detached();
    const zone = vms().find((v) => v.name === name)!.zone;
    if (!hasGcloud) {
      // Without gcloud, the same instances.stop request it sends.
      const r = await fetch(`${s.sim.computeBase}projects/${PROJECT}/zones/${zone}/instances/${name}/stop`, {
        method: 'POST',
        headers: { Authorization: 'Bearer test-access-token' },
      });
      assert.equal(r.status, 200, await r.text());
    } else {
      const g = await runAsync('gcloud', ['compute', 'instances', 'stop', name, '--zone', zone, '--quiet'], {
        env: { ...process.env, ...s.gcloudEnv },
        timeoutMs: 90_000,
      });
      assert.equal(g.code, 0, g.stderr);
    }
    const row = await rowBecomes(id, 'stopped');
    assert.equal(row.reason, 'stopped', log(name)());
    stoppedByShutdownScript(name);
    const m = meta(id);
    assert.equal(m['status'], 'processing');
    assert.equal(m['interrupted'], 'stopped');
    assert.deepEqual(
      notebook(id).cells.map((c) => c.execution_count),
      [1, 2, 3, null, null],
    );
  });
});
