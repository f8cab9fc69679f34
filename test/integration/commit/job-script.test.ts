// The job script (assets/job/job.sh) and its python helper (assets/job/helper.py): run as they are
// (by hand), as shipped (readJobScript()), and the helper piece by piece, with real bash/python/git.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  JOB_HELPER_ASSET,
  JOB_RUNNER_ASSET,
  readJobScript as jobScript,
} from '../../../src/adapters/assets.js';
import { bareRepo, FAKE_COMMAND, git, outputFiles, userRepo } from '../../helpers/git-repo.js';
import { jobFolder, jobSource, runJobScript } from '../../helpers/job-script.js';
import { originalVerdictOf } from '../../helpers/original-rule.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-jobscript-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const helper = JOB_HELPER_ASSET;
const py = (...args: string[]) =>
  execFileSync('/usr/bin/python3', [helper, ...args], { encoding: 'utf8' }).trim();

const job = join(tmp, 'job.json');
writeFileSync(
  job,
  JSON.stringify({
    commit_id: '20241107_035340',
    notebook: 'n/x.ipynb',
    command: 'run',
    max_duration: 60,
    notes: `it's "quoted" $(touch ${join(tmp, 'pwned')}) \`x\``,
    ssh_options: ['-o', 'UserKnownHostsFile=/tmp/a b'],
    metadata: {
      commit: '20241107_035340',
      notebook: 'x.ipynb',
      repository: 'r',
      branch: 'master',
      artifacts: false,
      notes: null,
      accelerator: null,
    },
    machine: {
      backend: 'gce',
      instance: 'mymlops-x',
      zone: 'us-central1-a',
      machine_type: 'n1-standard-8',
      hourly_usd: 0.36,
    },
  }),
);

const cell = (o: Record<string, unknown>) => ({
  cell_type: 'code',
  source: 'x = 1',
  metadata: {},
  outputs: [],
  execution_count: null,
  ...o,
});
function notebook(name: string, cells: unknown[]): string {
  const p = join(tmp, name);
  writeFileSync(p, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
  return p;
}

describe('job script', () => {
  it('is valid bash', () => {
    const r = spawnSync('bash', ['-n'], { input: jobScript(), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
  it('as shipped carries the helper and the notebook runner and writes them into the job folder', () => {
    const script = jobScript();
    assert.ok(script.includes(readFileSync(JOB_HELPER_ASSET, 'utf8')));
    assert.ok(script.includes(`HELPER="$J/helper.py"`));
    assert.ok(!script.includes('# @@HELPER@@'));
    assert.ok(script.includes(readFileSync(JOB_RUNNER_ASSET, 'utf8')));
    assert.ok(script.includes(`RUNNER="$J/run_notebook.py"`));
    assert.ok(!script.includes('# @@RUNNER@@'));
  });
  /** A job run by hand (`MYMLOPS_JOB_DIR=<dir> bash assets/job/job.sh`) on the fixture repository. */
  function runByHand(name: string, command: string, maxDuration = 0) {
    const d = join(tmp, name);
    const out = bareRepo(join(d, 'out.git'));
    const id = '20240101_000000';
    const J = jobFolder(join(d, 'job'), id, jobSource(d), out, { command, max_duration: maxDuration });
    return { r: runJobScript(J), J, out, id };
  }

  it('runs by hand: MYMLOPS_JOB_DIR=<dir> bash assets/job/job.sh, with the helper next to it', () => {
    const { r, J, out, id } = runByHand('by-hand', FAKE_COMMAND);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /mymlops: job finished status=succeeded\n$/);
    assert.ok(!existsSync(join(J, 'helper.py')), 'used the helper next to job.sh');
    assert.deepEqual(outputFiles(out, id).sort(), [
      `${id}/job.log`,
      `${id}/metadata.json`,
      `${id}/quick.ipynb`,
    ]);
  });
  it('gives the command the shipped runner on PATH and the deadline of max_duration', () => {
    const before = Math.floor(Date.now() / 1000);
    const { r, J } = runByHand(
      'runner-env',
      `echo "deadline=$MYMLOPS_DEADLINE runner=$(command -v mymlops-run-notebook) $(mymlops-run-notebook --help | head -n 1)"; ${FAKE_COMMAND}`,
      600,
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const m = /deadline=(\d+) runner=(\S+) usage: mymlops-run-notebook /.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.ok(Number(m[1]) >= before + 600 && Number(m[1]) <= Math.floor(Date.now() / 1000) + 600, m[1]);
    assert.equal(m[2], join(J, 'bin', 'mymlops-run-notebook'));
  });
  it('never replaces the folder of another commit (another snapshot) under the same id', () => {
    const d = join(tmp, 'same-id');
    const user = userRepo(join(d, 'user'));
    const remote = bareRepo(join(d, 'remote.git'));
    const out = bareRepo(join(d, 'out.git'));
    const id = '20240101_000001';
    const run = (name: string) => {
      git(user, 'commit', '-q', '--allow-empty', '-m', name);
      git(user, 'push', '-q', remote, 'master');
      const sha = git(user, 'rev-parse', 'HEAD');
      const J = jobFolder(join(d, name), id, { remote, sha }, out, {
        notes: name,
        publish_retry: 5,
        metadata: { commit: id, source_commit: sha, notes: name },
      });
      const r = runJobScript(J);
      return { r, sha };
    };
    const first = run('first');
    assert.equal(first.r.status, 0, first.r.stdout + first.r.stderr);
    const second = run('second');
    assert.notEqual(second.r.status, 0);
    assert.match(second.r.stdout, /holds another commit's result \(another snapshot\); it is not replaced/);
    const meta = JSON.parse(git(out, 'show', `master:${id}/metadata.json`)) as { source_commit: string };
    assert.equal(meta.source_commit, first.sha);
  });

  it('refuses to run without MYMLOPS_JOB_DIR', () => {
    const r = spawnSync('bash', ['-c', jobScript()], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] },
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /MYMLOPS_JOB_DIR must point at the job folder/);
  });
});

describe('job helper', () => {
  it('env: every value is shell-quoted (notes cannot run code)', () => {
    const out = execFileSync(
      'bash',
      [
        '-c',
        `eval "$(/usr/bin/python3 ${helper} env ${job})"; printf '%s\\n%s\\n%s' "$MY_NOTES" "$MY_SSH_OPTS" "$MY_PROGRESS_INTERVAL"`,
      ],
      {
        encoding: 'utf8',
      },
    );
    const [notes, ssh, interval] = out.split('\n');
    assert.equal(notes, `it's "quoted" $(touch ${join(tmp, 'pwned')}) \`x\``);
    assert.equal(ssh, `-o 'UserKnownHostsFile=/tmp/a b'`);
    assert.equal(interval, '0');
    assert.throws(() => statSync(join(tmp, 'pwned')));
  });

  const err = { output_type: 'error', ename: 'KeyError', evalue: "'k'", traceback: [] };
  const table: {
    name: string;
    cells: unknown[] | null;
    status?: string;
    exit: string;
    timedOut?: string;
    want: Record<string, unknown>;
    msg?: RegExp;
  }[] = [
    {
      name: 'executed, exit 0',
      cells: [cell({ execution_count: 1 })],
      exit: '0',
      want: { status: 'succeeded', error: null, message: null },
    },
    {
      name: 'not executed, exit 0',
      cells: [cell({})],
      exit: '0',
      want: { status: 'failed' },
      msg: /exited 0 but the notebook n\/x\.ipynb was not executed/,
    },
    {
      name: 'error cell, exit 1',
      cells: [cell({ execution_count: 1 }), cell({ execution_count: 2, outputs: [err] })],
      exit: '1',
      want: { status: 'failed', error: { cell: 1, ename: 'KeyError', evalue: "'k'" } },
    },
    {
      name: 'error output, exit 0 (nbconvert --allow-errors)',
      cells: [cell({ execution_count: 1, outputs: [err] })],
      exit: '0',
      want: { status: 'failed' },
      msg: /has an error output/,
    },
    {
      name: 'exit 2 without error',
      cells: [cell({ execution_count: 1 })],
      exit: '2',
      want: { status: 'failed' },
      msg: /exited with code 2/,
    },
    {
      name: 'timed out',
      cells: [cell({ execution_count: 1 })],
      exit: '143',
      timedOut: '1',
      want: { status: 'failed' },
      msg: /max_duration \(60s\)/,
    },
    {
      name: 'cancelled',
      cells: [cell({})],
      status: 'cancelled',
      exit: '143',
      want: { status: 'cancelled' },
      msg: /cancelled/,
    },
    {
      name: 'notebook missing after the run',
      cells: null,
      exit: '0',
      want: { status: 'failed' },
      msg: /missing or not valid JSON/,
    },
  ];
  for (const c of table)
    it(`metadata: ${c.name}`, () => {
      const nbPath = c.cells
        ? notebook(`${c.name.replace(/\W+/g, '_')}.ipynb`, c.cells)
        : join(tmp, 'absent.ipynb');
      const out = join(tmp, `meta-${c.name.replace(/\W+/g, '_')}.json`);
      const summary = JSON.parse(
        py(
          'metadata',
          job,
          nbPath,
          out,
          c.status ?? 'auto',
          c.exit,
          '2024-11-07T03:53:41Z',
          '',
          c.timedOut ?? '0',
        ),
      ) as Record<string, unknown>;
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(summary[k], v, k);
      if (c.msg) assert.match(String(summary['message']), c.msg);
      // The original tool reads the staged notebook: F for anything but a success.
      const staged = JSON.parse(readFileSync(nbPath, 'utf8')) as unknown;
      assert.equal(
        originalVerdictOf(staged),
        summary['status'] === 'succeeded' ? 'S' : 'F',
        'original verdict',
      );
      const raw = readFileSync(out, 'utf8');
      const meta = JSON.parse(raw) as Record<string, unknown>;
      assert.deepEqual(Object.keys(meta), Object.keys(meta).sort(), 'sorted keys');
      assert.match(raw, /^\{\n {4}"accelerator"/, 'indent 4');
      assert.equal(meta['zone'], 'us-central1-a');
      assert.equal(meta['backend'], 'gce');
      assert.equal(meta['status'], summary['status']);
      assert.match(String(meta['finished_at']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const cost = meta['cost'] as { hourly_usd: number; amount_usd: number; estimate: boolean };
      assert.equal(cost.hourly_usd, 0.36);
      assert.equal(cost.estimate, true);
      assert.ok(cost.amount_usd >= 0);
    });

  for (const why of ['preempted', 'stopped'])
    it(`metadata: a shutdown push (${why}) stays processing and reads as failed to the original`, () => {
      const nbPath = notebook(`int-${why}.ipynb`, [cell({ execution_count: 1 }), cell({}), cell({})]);
      const out = join(tmp, `meta-int-${why}.json`);
      py('metadata', job, nbPath, out, 'processing', '143', '2024-11-07T03:53:41Z', '', '0', why);
      const meta = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
      assert.equal(meta['status'], 'processing');
      assert.equal(meta['error'], null, 'our own record keeps no invented cell error');
      assert.deepEqual(meta['progress'], { cells_done: 1, cells_total: 3 });
      const nb = JSON.parse(readFileSync(nbPath, 'utf8')) as { cells: { outputs: { ename?: string }[] }[] };
      assert.equal(originalVerdictOf(nb), 'F');
      assert.equal(
        nb.cells[1]!.outputs[0]!.ename,
        why === 'preempted' ? 'MymlopsPreempted' : 'MymlopsStopped',
        'on the cell that was running',
      );
    });

  it('metadata: a progress push leaves the notebook as it is', () => {
    const nbPath = notebook('progress.ipynb', [cell({ execution_count: 1 }), cell({})]);
    const before = readFileSync(nbPath, 'utf8');
    py(
      'metadata',
      job,
      nbPath,
      join(tmp, 'meta-progress.json'),
      'processing',
      '',
      '2024-11-07T03:53:41Z',
      '',
      '0',
    );
    assert.equal(readFileSync(nbPath, 'utf8'), before);
  });

  it('metadata: processing has no finish time', () => {
    const out = join(tmp, 'meta-processing.json');
    py(
      'metadata',
      job,
      notebook('p.ipynb', [
        cell({ metadata: { papermill: { status: 'completed' } } }),
        cell({ metadata: { papermill: { status: 'running' } } }),
      ]),
      out,
      'processing',
      '',
      '2024-11-07T03:53:41Z',
      '',
      '0',
    );
    const meta = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    assert.equal(meta['status'], 'processing');
    assert.equal(meta['finished_at'], null);
    assert.deepEqual(meta['progress'], { cells_done: 1, cells_total: 2 });
  });

  it('caplog keeps head and tail within the cap', () => {
    const src = join(tmp, 'big.log');
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n');
    writeFileSync(src, lines);
    const dst = join(tmp, 'capped.log');
    py('caplog', src, dst, '2048');
    const capped = readFileSync(dst, 'utf8');
    assert.ok(Buffer.byteLength(capped) <= 2048);
    assert.ok(capped.startsWith('line 0\nline 1\n'));
    assert.ok(capped.endsWith('line 4999'));
    assert.match(capped, /\[mymlops: \d+ bytes of log omitted\]/);
    py('caplog', join(tmp, 'absent.log'), dst, '2048');
    assert.equal(readFileSync(dst, 'utf8'), '');
  });
});
