// `mymlops commit` as a user runs it (built CLI, local backend, real git, real notebook execution).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import {
  bareRepo,
  outputFile,
  outputFiles,
  outputFolders,
  REAL_COMMAND,
  repoState,
  snapshotRefs,
  userRepo,
  writeConfig,
} from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-commit-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const home = join(tmp, 'home');
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
const env = { MYMLOPS_HOME: home };

before(() => {
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  // mymlops.yml is committed like a user would; the notebooks run for real.
  writeConfig(repo, { command: REAL_COMMAND, repository: origin, output: out });
});

function metadata(id: string, nb: string): Record<string, unknown> {
  void nb;
  return JSON.parse(outputFile(out, `${id}/metadata.json`)) as Record<string, unknown>;
}
const idOf = (stderr: string): string => /commit (\d{8}_\d{6})/.exec(stderr)![1]!;

describe('mymlops commit (local backend, real execution)', () => {
  it('commits a notebook with a plot: executed outputs, artifacts, metadata.json', () => {
    const r = runCli(['commit', 'notebooks/plot.ipynb', '-n', 'sine plot', '-a'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const id = idOf(r.stderr);
    assert.match(r.stderr, new RegExp(`mymlops: commit ${id} succeeded`));
    assert.match(r.stdout, /mymlops: job finished status=succeeded/);
    assert.deepEqual(outputFiles(out, id).sort(), [
      `${id}/artifacts/sine.png`,
      `${id}/job.log`,
      `${id}/metadata.json`,
      `${id}/plot.ipynb`,
    ]);
    const nb = JSON.parse(outputFile(out, `${id}/plot.ipynb`)) as {
      cells: {
        execution_count?: number;
        outputs?: { output_type: string; data?: Record<string, string> }[];
      }[];
    };
    const plotOutputs = nb.cells[2]!.outputs!;
    assert.ok(
      plotOutputs.some((o) => o.output_type === 'display_data' && o.data?.['image/png']),
      'plot cell has an image',
    );
    assert.equal(nb.cells[3]!.execution_count, 3);
    const m = metadata(id, 'plot.ipynb');
    assert.equal(m['status'], 'succeeded');
    assert.equal(m['commit'], id);
    assert.equal(m['notebook'], 'plot.ipynb');
    assert.equal(m['notebook_path'], 'notebooks/plot.ipynb');
    assert.equal(m['notes'], 'sine plot');
    assert.equal(m['artifacts'], true);
    assert.equal(m['accelerator'], null);
    assert.equal(m['repository'], origin);
    assert.equal(m['branch'], 'master');
    assert.equal(m['backend'], 'local');
    assert.equal(m['exit_code'], 0);
    assert.deepEqual(m['progress'], { cells_done: 3, cells_total: 3 });
    assert.match(String(m['started_at']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(typeof m['duration_seconds'], 'number');
    // indent 4 and sorted keys, like the original
    const raw = outputFile(out, `${id}/metadata.json`);
    const keys = Object.keys(JSON.parse(raw) as object);
    assert.deepEqual(keys, [...keys].sort());
    assert.match(raw, /^\{\n {4}"accelerator": null,/);
    // the snapshot ref is on the repository, the commit message carries the notes
    assert.ok(snapshotRefs(origin).includes(`refs/mymlops/snapshots/${id}`));
    assert.match(execLog(out), new RegExp(`commit ${id}: sine plot`));
  });

  it('a notebook that raises lands failed with the error cell and job.log; exit 1', () => {
    const r = runCli(['commit', 'notebooks/fail.ipynb'], { cwd: repo, env });
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const id = idOf(r.stderr);
    const last = r.stderr.trim().split('\n').pop()!;
    assert.match(
      last,
      new RegExp(
        `^mymlops: commit ${id} failed in \\d+s — ZeroDivisionError: division by zero \\(cell 3\\); see mymlops logs ${id}$`,
      ),
    );
    const m = metadata(id, 'fail.ipynb');
    assert.equal(m['status'], 'failed');
    // Cell 3: the runner puts papermill's marker cell at the top.
    assert.deepEqual(m['error'], { cell: 3, ename: 'ZeroDivisionError', evalue: 'division by zero' });
    assert.deepEqual(m['progress'], { cells_done: 2, cells_total: 3 });
    assert.equal(m['exit_code'], 1);
    const log = outputFile(out, `${id}/job.log`);
    assert.match(log, /mymlops-run-notebook: cell In \[2\] failed/);
    const nb = JSON.parse(outputFile(out, `${id}/fail.ipynb`)) as {
      cells: { cell_type: string; outputs?: unknown[]; metadata: { papermill?: { status: string } } }[];
    };
    assert.equal(nb.cells[0]!.cell_type, 'markdown', 'the marker at the top');
    assert.equal(nb.cells[3]!.metadata.papermill?.status, 'failed');
    assert.equal(nb.cells[4]!.metadata.papermill?.status, 'pending');
  });

  it('runs the uncommitted helper edit and leaves the user repository untouched', () => {
    writeFileSync(join(repo, 'notebooks', 'helper.py'), 'VALUE = "edited, not committed"\n');
    writeFileSync(join(repo, 'notebooks', 'new_untracked.txt'), 'untracked file\n');
    writeFileSync(join(repo, 'secret.ignored'), 'ignored: must not travel\n');
    const before = repoState(repo);
    const r = runCli(['commit', 'notebooks/uses_helper.ipynb'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const id = idOf(r.stderr);
    const nb = outputFile(out, `${id}/uses_helper.ipynb`);
    assert.match(nb, /helper says edited, not committed/);
    assert.deepEqual(repoState(repo), before, 'git status, index, refs and HEAD unchanged');
    // The snapshot holds the untracked file but not the ignored one; its parent is HEAD.
    const files = execGit(origin, 'ls-tree', '-r', '--name-only', `refs/mymlops/snapshots/${id}`);
    assert.match(files, /notebooks\/new_untracked\.txt/);
    assert.doesNotMatch(files, /secret\.ignored/);
    assert.equal(execGit(origin, 'rev-parse', `refs/mymlops/snapshots/${id}^`), before.head);
    // The notebook in the snapshot is cleared.
    const snapNb = JSON.parse(
      execGit(origin, 'show', `refs/mymlops/snapshots/${id}:notebooks/uses_helper.ipynb`),
    ) as { cells: { outputs: unknown[]; execution_count: unknown }[] };
    assert.deepEqual(snapNb.cells[0]!.outputs, []);
    assert.equal(snapNb.cells[0]!.execution_count, null);
    assert.equal(readdirSync(join(home, 'jobs')).length, 3);
    assert.ok(existsSync(join(home, 'jobs', id, 'launch.json')));
    assert.ok(!existsSync(join(home, 'jobs', id, 'work')), 'work folder removed after the job');
    assert.equal(outputFolders(out).length, 3);
  });

  it('accepts `jupyter nbconvert --to notebook --execute --inplace` as the command', () => {
    const dir = join(tmp, 'nbconvert-config');
    mkdirSync(dir);
    const cfg = writeConfig(dir, {
      command: 'jupyter nbconvert --to notebook --execute --inplace',
      repository: origin,
      output: out,
    });
    const r = runCli(['commit', 'notebooks/quick.ipynb', '--config', cfg], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const id = idOf(r.stderr);
    const nb = JSON.parse(outputFile(out, `${id}/quick.ipynb`)) as {
      cells: { execution_count: number | null }[];
    };
    assert.deepEqual(
      nb.cells.map((c) => c.execution_count),
      [1, 2],
    );
    assert.deepEqual(metadata(id, 'quick.ipynb')['progress'], { cells_done: 2, cells_total: 2 });
  });
});

import { execFileSync } from 'node:child_process';
function execGit(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}
function execLog(bare: string): string {
  return execGit(bare, 'log', '--format=%B', 'master');
}
