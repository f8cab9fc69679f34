// The job script (assets/job/job.sh, run as it is) when it is stopped or cannot publish: a SIGTERM
// without the cancel marker is a shutdown (partial push, status stopped, exit 3), with the marker a
// cancel; an unreachable output repository keeps the result, and publish mode lands it once.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { JOB_SCRIPT_ASSET } from '../../../src/adapters/assets.js';
import { bareRepo, git, outputFile, outputFiles, outputFolders } from '../../helpers/git-repo.js';
import { jobFolder, jobScriptEnv, jobSource } from '../../helpers/job-script.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-jobstop-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children)
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {}
  rmSync(tmp, { recursive: true, force: true });
});

/** Cell 1 runs at once, cell 2 sleeps: a job stopped mid-run has one executed cell to push. */
const TWO_STEPS = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: ['x = 1', 'time.sleep(60)'].map((source, i) => ({
    cell_type: 'code',
    id: `c${i}`,
    metadata: {},
    source,
    outputs: [],
    execution_count: null,
  })),
};

let n = 0;
function setup(name: string, o: { notebook?: string; artifacts?: boolean } = {}) {
  const d = join(tmp, name);
  const source = jobSource(
    d,
    {
      'notebooks/steps.ipynb': JSON.stringify(TWO_STEPS),
      'notebooks/artifacts/so-far.txt': 'partial\n',
    },
    'steps',
  );
  const out = bareRepo(join(d, 'out.git'));
  const id = `20240101_00000${++n}`;
  const J = jobFolder(join(d, 'job'), id, source, out, {
    notebook: o.notebook ?? 'notebooks/steps.ipynb',
    artifacts: o.artifacts ?? false,
    metadata: { commit: id, attempt: 1 },
  });
  return { J, id, out };
}

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string }>;
}
function run(J: string, env: Record<string, string> = {}): Run {
  // Its own process group, as a startup-script service or the local backend runs it.
  const child = spawn('bash', [JOB_SCRIPT_ASSET], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: jobScriptEnv(J, env),
  });
  children.push(child);
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stdout += d.toString()));
  return { child, done: new Promise((r) => child.on('close', (code) => r({ code, stdout }))) };
}

const runLog = (J: string) =>
  existsSync(join(J, 'run.log')) ? readFileSync(join(J, 'run.log'), 'utf8') : '';
const result = (J: string) =>
  JSON.parse(readFileSync(join(J, 'result.json'), 'utf8')) as Record<string, unknown>;
const meta = (out: string, id: string) =>
  JSON.parse(outputFile(out, `${id}/metadata.json`)) as Record<string, unknown>;

describe('job script: why it is stopped', () => {
  it('SIGTERM without the cancel marker is a shutdown: the partial notebook is pushed, status stopped, exit 3', async () => {
    const { J, id, out } = setup('shutdown');
    const r = run(J);
    await waitFor(() => runLog(J).includes('fake_run: cell 1'), { what: 'cell 1 to run' });
    process.kill(-r.child.pid!, 'SIGTERM'); // as systemd does to the whole service on a soft-off
    const { code, stdout } = await r.done;
    assert.equal(code, 3, stdout);
    assert.match(stdout, /mymlops: job finished status=stopped\n$/);
    const res = result(J);
    assert.equal(res['status'], 'stopped');
    assert.equal(res['reason'], 'stopped');
    assert.equal(res['published'], true);
    const m = meta(out, id);
    assert.equal(m['status'], 'processing');
    assert.equal(m['interrupted'], 'stopped');
    assert.deepEqual(m['progress'], { cells_done: 1, cells_total: 2 });
    const nb = JSON.parse(outputFile(out, `${id}/steps.ipynb`)) as {
      cells: { execution_count: number | null }[];
    };
    assert.deepEqual(
      nb.cells.map((c) => c.execution_count),
      [1, null],
    );
    assert.match(outputFile(out, `${id}/job.log`), /shutting down \(stopped\)/);
    assert.ok(!existsSync(join(J, 'unpublished')));
  });

  it('a preemption (the preempted marker) pushes the artifacts so far with -a, reason preempted', async () => {
    const { J, id, out } = setup('preempted', { artifacts: true });
    const r = run(J);
    await waitFor(() => runLog(J).includes('fake_run: cell 1'), { what: 'cell 1 to run' });
    writeFileSync(join(J, 'preempted'), 'TRUE\n');
    process.kill(-r.child.pid!, 'SIGTERM');
    const { code, stdout } = await r.done;
    assert.equal(code, 3, stdout);
    assert.equal(result(J)['reason'], 'preempted');
    assert.equal(meta(out, id)['interrupted'], 'preempted');
    assert.ok(outputFiles(out, id).includes(`${id}/artifacts/so-far.txt`), outputFiles(out, id).join());
  });

  it('the shutdown push is bounded by the grace: an unreachable output repository keeps the result', async () => {
    const { J, id, out } = setup('grace');
    renameSync(out, `${out}.moved`);
    const r = run(J, { MYMLOPS_SHUTDOWN_GRACE: '3' });
    await waitFor(() => runLog(J).includes('fake_run: cell 1'), { what: 'cell 1 to run' });
    const t0 = Date.now();
    process.kill(-r.child.pid!, 'SIGTERM');
    const { code, stdout } = await r.done;
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
    assert.equal(code, 3, stdout);
    const res = result(J);
    assert.equal(res['status'], 'stopped');
    assert.equal(res['published'], false);
    assert.ok(existsSync(join(J, 'unpublished', id, 'steps.ipynb')));
  });

  it('SIGTERM with the cancel marker is a cancel, as before', async () => {
    const { J, id, out } = setup('cancel');
    const r = run(J);
    await waitFor(() => runLog(J).includes('fake_run: cell 1'), { what: 'cell 1 to run' });
    writeFileSync(join(J, 'cancel-requested'), 'now\n');
    process.kill(-r.child.pid!, 'SIGTERM');
    const { code, stdout } = await r.done;
    assert.equal(code, 2, stdout);
    assert.equal(result(J)['status'], 'cancelled');
    assert.equal(meta(out, id)['status'], 'cancelled');
    assert.equal(meta(out, id)['interrupted'], undefined);
  });
});

describe('job script: attempts', () => {
  it('a later attempt keeps the earlier one as history in metadata.json attempts', async () => {
    const { J, id, out } = setup('history');
    const r = run(J);
    await waitFor(() => runLog(J).includes('fake_run: cell 1'), { what: 'cell 1 to run' });
    writeFileSync(join(J, 'preempted'), 'TRUE\n');
    process.kill(-r.child.pid!, 'SIGTERM');
    assert.equal((await r.done).code, 3);
    const first = meta(out, id);
    const job = JSON.parse(readFileSync(join(J, 'job.json'), 'utf8')) as {
      notebook: string;
      metadata: object;
    };
    job.notebook = 'notebooks/quick.ipynb';
    job.metadata = { ...job.metadata, attempt: 2 };
    writeFileSync(join(J, 'job.json'), JSON.stringify(job));
    rmSync(join(J, 'preempted'));
    const second = await run(J).done;
    assert.equal(second.code, 0, second.stdout);
    const m = meta(out, id);
    assert.equal(m['status'], 'succeeded');
    assert.equal(m['attempt'], 2);
    assert.deepEqual(m['attempts'], [
      { attempt: 1, status: 'stopped', started_at: first['started_at'], finished_at: null },
    ]);
  });
});

describe('job script: no path deletes the only copy of a result', () => {
  it('keeps an unpublished result; publish mode lands one folder once the repository is back, twice changes nothing', async () => {
    const { J, id, out } = setup('unpublished', { notebook: 'notebooks/quick.ipynb' });
    renameSync(out, `${out}.moved`);
    const first = await run(J, { MYMLOPS_PUBLISH_RETRY: '6' }).done;
    assert.equal(first.code, 4, first.stdout);
    const res = result(J);
    assert.equal(res['published'], false);
    assert.equal(res['status'], 'failed');
    assert.equal(res['final_status'], 'succeeded');
    assert.match(String(res['publish_error']), /output repository .*out\.git unreachable/);
    assert.match(first.stdout, /could not publish \(.*\): trying again in \d+s/);
    const kept = join(J, 'unpublished', id);
    const keptMeta = JSON.parse(readFileSync(join(kept, 'metadata.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(keptMeta['status'], 'succeeded');
    assert.ok(existsSync(join(kept, 'quick.ipynb')) && existsSync(join(kept, 'job.log')));
    cpSync(join(J, 'unpublished'), join(tmp, 'kept-copy'), { recursive: true });

    renameSync(`${out}.moved`, out);
    const pub = await run(J, { MYMLOPS_JOB_MODE: 'publish' }).done;
    assert.equal(pub.code, 0, pub.stdout);
    assert.deepEqual(outputFolders(out), [id]);
    assert.deepEqual(outputFiles(out, id).sort(), [
      `${id}/job.log`,
      `${id}/metadata.json`,
      `${id}/quick.ipynb`,
    ]);
    assert.equal(meta(out, id)['status'], 'succeeded');
    const nb = JSON.parse(outputFile(out, `${id}/quick.ipynb`)) as {
      cells: { execution_count: number | null }[];
    };
    assert.ok(
      nb.cells.some((c) => c.execution_count !== null),
      'the executed notebook',
    );
    const after1 = result(J);
    assert.equal(after1['published'], true);
    assert.equal(after1['status'], 'succeeded');
    assert.equal(after1['publish_error'], undefined);
    assert.ok(!existsSync(join(J, 'unpublished')), 'the kept copy goes once pushed');
    const head = git(out, 'rev-parse', 'master');

    // Again with nothing kept, and again with the kept copy back (a run that died before removing it).
    const again = await run(J, { MYMLOPS_JOB_MODE: 'publish' }).done;
    assert.equal(again.code, 0, again.stdout);
    cpSync(join(tmp, 'kept-copy'), join(J, 'unpublished'), { recursive: true });
    const same = await run(J, { MYMLOPS_JOB_MODE: 'publish' }).done;
    assert.equal(same.code, 0, same.stdout);
    assert.match(same.stdout, /already published/);
    assert.equal(git(out, 'rev-parse', 'master'), head, 'no new commit');
    assert.ok(!existsSync(join(J, 'unpublished')));
  });
});
