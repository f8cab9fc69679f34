// Every notebook of nbclient's own test suite (Debian's python3-nbclient ships them) through
// `mymlops commit` on the local backend with the config `mymlops init` writes (the shipped runner):
// status, progress and error must be nbclient's own outcome, computed here by executing each
// notebook with nbclient directly (test/helpers/nbclient-oracle.py). The failing ones run again with
// plain `jupyter nbconvert --execute --inplace`, whose failed status must name the cause.
// No notebook is left out: the widget ones fail the same way in both when ipywidgets is missing,
// Disable Stdin fails on input() in both, the Parallel Execute pair miss their environment variable
// in both, and Interrupt (an endless loop) ends at the per-cell timeout in both.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, runAsync, runCli, runCliAsync } from '../helpers/cli.js';
import { git, outputFile } from '../helpers/git-repo.js';

const FILES = '/usr/lib/python3/dist-packages/nbclient/tests/files';
const PY = '/usr/bin/python3';
const installed =
  existsSync(FILES) &&
  spawnSync(PY, ['-c', 'import nbclient, ipykernel'], { stdio: 'ignore' }).status === 0 &&
  existsSync('/usr/bin/jupyter-nbconvert');
// Seconds per cell, for the runner, nbconvert and the oracle alike: only Interrupt (an endless loop)
// reaches it; 5 s was once too short for a first cell on a loaded 2-core machine.
const TIMEOUT = 15;
const PARALLEL = 4;
const notebooks = installed
  ? readdirSync(FILES)
      .filter((f) => f.endsWith('.ipynb'))
      .sort()
  : [];

interface Outcome {
  status: string;
  progress: { cells_done: number; cells_total: number };
  error: { cell: number; ename: string; evalue: string; source?: string } | null;
}
interface Committed {
  code: number;
  id: string | null;
  stderr: string;
}

/** Runs `jobs` with at most `n` at a time. */
async function pool<T>(jobs: (() => Promise<T>)[], n: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
  return results;
}

describe('nbclient test notebooks through mymlops commit', {
  skip: !installed && 'python3-nbclient not installed',
}, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mymlops-nbclient-table-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const home = join(tmp, 'home');
  const repo = join(tmp, 'repo');
  const env = { MYMLOPS_HOME: home, MYMLOPS_PYTHON: PY };
  const oracle: Record<string, Outcome> = {};
  const runner = new Map<string, Committed>();
  const nbconvert = new Map<string, Committed>();
  let outputRepo = '';

  const commit = async (file: string, config: string): Promise<Committed> => {
    const r = await runCliAsync(['commit', `nb/${file}`, '--config', config], {
      cwd: repo,
      env: { ...process.env, ...env },
      timeoutMs: 300_000,
    });
    return { code: r.code, id: /commit (\d{8}_\d{6})/.exec(r.stderr)?.[1] ?? null, stderr: r.stderr };
  };

  before(async () => {
    mkdirSync(join(repo, 'nb'), { recursive: true });
    cpSync(FILES, join(repo, 'nb'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
    git(repo, 'init', '-q', '--initial-branch=master');
    const init = runCli(['init'], { cwd: repo, env });
    assert.equal(init.code, 0, init.stderr);
    const yml = readFileSync(join(repo, 'mymlops.yml'), 'utf8');
    assert.match(yml, /^ {2}command: mymlops-run-notebook$/m, 'init uses the shipped runner');
    outputRepo = /^ {4}url: (.*-output\.git)$/m.exec(yml)![1]!;
    const withCommand = (command: string) =>
      yml
        .replace(/^ {2}command: .*$/m, `  command: ${command}`)
        .replace(/progress_interval: \d+/, 'progress_interval: 0');
    writeFileSync(join(repo, 'mymlops.yml'), withCommand(`mymlops-run-notebook --timeout ${TIMEOUT}`));
    writeFileSync(
      join(repo, 'nbconvert.yml'),
      withCommand(
        `jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=${TIMEOUT}`,
      ),
    );
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'nbclient test notebooks');

    // The oracle runs on its own copy, in PARALLEL processes, while the commits run.
    const copy = join(tmp, 'oracle');
    cpSync(FILES, copy, { recursive: true });
    const chunks = Array.from({ length: PARALLEL }, (_, k) =>
      notebooks.filter((_f, i) => i % PARALLEL === k),
    );
    const oracleRun = Promise.all(
      chunks.map(async (chunk) => {
        const script = join(ROOT, 'test', 'helpers', 'nbclient-oracle.py');
        const r = await runAsync(PY, [script, String(TIMEOUT), ...chunk.map((f) => join(copy, f))], {
          env: { ...process.env },
          timeoutMs: 600_000,
        });
        assert.equal(r.code, 0, r.stderr);
        Object.assign(oracle, JSON.parse(r.stdout) as Record<string, Outcome>);
      }),
    ).then(() =>
      // The same failing notebooks with nbconvert, once nbclient said which fail.
      pool(
        notebooks
          .filter((f) => oracle[f]?.status === 'failed')
          .map((f) => async () => nbconvert.set(f, await commit(f, 'nbconvert.yml'))),
        PARALLEL,
      ),
    );
    const commits = pool(
      notebooks.map((f) => async () => runner.set(f, await commit(f, 'mymlops.yml'))),
      PARALLEL,
    );
    await Promise.all([oracleRun, commits]);
  });

  const metadata = (c: Committed) =>
    JSON.parse(outputFile(outputRepo, `${c.id}/metadata.json`)) as Outcome & {
      message: string | null;
    };

  for (const file of notebooks)
    it(`${file}: status, progress and error are nbclient's`, () => {
      const want = oracle[file]!;
      const got = runner.get(file)!;
      assert.ok(got.id, got.stderr);
      assert.equal(got.code, want.status === 'succeeded' ? 0 : 1, got.stderr);
      const m = metadata(got);
      assert.equal(m.status, want.status, m.message ?? '');
      assert.deepEqual(m.progress, want.progress);
      if (!want.error) {
        assert.equal(m.error, null);
        return;
      }
      // The runner puts papermill's marker cell at the top: nbclient's cell is one further down.
      assert.deepEqual(m.error, {
        cell: want.error.cell + 1,
        ename: want.error.ename,
        evalue: want.error.evalue,
      });
      const nb = JSON.parse(outputFile(outputRepo, `${got.id}/${file}`)) as {
        cells: { source: string | string[]; metadata: { tags?: string[] } }[];
      };
      const text = (s: string | string[]) => (Array.isArray(s) ? s.join('') : s);
      assert.equal(text(nb.cells[m.error.cell]!.source), want.error.source, 'the cell nbclient stopped at');
      assert.deepEqual(nb.cells[0]!.metadata.tags, ['papermill-error-cell-tag'], 'the marker at the top');
      assert.match(
        got.stderr,
        new RegExp(`${want.error.ename}: .*\\(cell ${m.error.cell}\\)`),
        'the follower names it',
      );
    });

  it('the failing notebooks run with plain nbconvert fail with a status naming the cause', () => {
    const failing = notebooks.filter((f) => oracle[f]?.status === 'failed');
    assert.ok(failing.length >= 5, `nbclient fails ${failing.join(', ')}`);
    const st = runCli(['status', '--json'], { cwd: repo, env });
    assert.equal(st.code, 0, st.stderr);
    const rows = (
      JSON.parse(st.stdout) as { commits: { id: string; status: string; reason: string | null }[] }
    ).commits;
    for (const file of failing) {
      const got = nbconvert.get(file)!;
      assert.ok(got.id, got.stderr);
      assert.equal(got.code, 1, got.stderr);
      const m = metadata(got);
      assert.equal(m.status, 'failed', file);
      assert.equal(m.error, null, 'nbconvert kept nothing');
      assert.match(m.message ?? '', /nbconvert discards the notebook's outputs when a cell fails/, file);
      assert.match(m.message ?? '', /set commit\.command to mymlops-run-notebook/, file);
      const last = got.stderr.trim().split('\n').pop()!;
      assert.match(
        last,
        /nbconvert discards the notebook's outputs when a cell fails/,
        'the follower says it',
      );
      const row = rows.find((r) => r.id === got.id);
      assert.equal(row?.status, 'failed');
      assert.match(
        row?.reason ?? '',
        /nbconvert discards the notebook's outputs when a cell fails/,
        'status says it',
      );
    }
  });
});
