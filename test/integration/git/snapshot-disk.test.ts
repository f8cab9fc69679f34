// "The snapshot is exactly what is on disk" against real git: files git is told not to look at
// (assume-unchanged, skip-worktree), sparse checkouts (the dry run lists what is pushed and warns
// about what the job will not see), line endings never converted, and no scratch copy of the
// index left in /tmp or behind a killed process.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inspectSnapshot } from '../../../src/adapters/git/inspect.js';
import { createSnapshot } from '../../../src/adapters/git/snapshot.js';
import { snapshotTempDir } from '../../../src/adapters/git/snapshot-tmp.js';
import { planSnapshot } from '../../../src/core/snapshot/rules.js';
import { git } from '../../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-disk-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function repo(files: Record<string, string>, config: string[] = []): string {
  const dir = join(tmp, `repo-${++n}`);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '--initial-branch=main');
  for (let i = 0; i < config.length; i += 2) git(dir, 'config', config[i]!, config[i + 1]!);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

/** The plan (what the dry run lists) and the snapshot built from it, as commit does. */
async function planAndSnapshot(dir: string) {
  const plan = planSnapshot({
    inspection: await inspectSnapshot(dir),
    rules: { include: [], exclude: [], max_file_mb: 50, max_total_mb: 200 },
    always: [],
    remoteUrl: '/srv/code.git',
  });
  const snap = await createSnapshot({
    root: dir,
    notebook: 'nb.ipynb',
    notebookContent: 'cleared',
    message: 'm',
    exclude: plan.excluded.map((e) => e.path),
    unflag: plan.reread,
  });
  const tree = git(dir, 'ls-tree', '-r', '--name-only', snap.sha).split('\n');
  return { plan, snap, tree };
}

/** The bytes of `path` in commit `sha`. */
const blob = (dir: string, sha: string, path: string) =>
  execFileSync('git', ['cat-file', 'blob', `${sha}:${path}`], { cwd: dir });

describe('the snapshot is what is on disk', () => {
  it('reads edited files marked assume-unchanged or skip-worktree from disk', async () => {
    const dir = repo({ 'nb.ipynb': '{}', 'a.py': 'v1', 'b.py': 'v1' });
    git(dir, 'update-index', '--assume-unchanged', 'a.py');
    git(dir, 'update-index', '--skip-worktree', 'b.py');
    writeFileSync(join(dir, 'a.py'), 'v2 on disk');
    writeFileSync(join(dir, 'b.py'), 'v2 on disk');
    const { snap } = await planAndSnapshot(dir);
    assert.equal(blob(dir, snap.sha, 'a.py').toString(), 'v2 on disk');
    assert.equal(blob(dir, snap.sha, 'b.py').toString(), 'v2 on disk');
    // The user's flags are theirs: untouched.
    assert.match(git(dir, 'ls-files', '-v', 'a.py', 'b.py'), /^h a\.py\nS b\.py$/);
  });

  it('leaves out a sparse checkout’s files that are not on disk, lists exactly what is pushed, and warns', async () => {
    const dir = repo({ 'nb.ipynb': '{}', 'in/a.py': 'a', 'out/b.csv': 'b', 'out/c.csv': 'c' });
    git(dir, 'sparse-checkout', 'set', 'in');
    assert.equal(existsSync(join(dir, 'out')), false);
    const { plan, tree } = await planAndSnapshot(dir);
    assert.deepEqual(tree, ['in/a.py', 'nb.ipynb']);
    assert.deepEqual(plan.files, tree);
    assert.equal(plan.warnings.length, 1);
    assert.match(
      plan.warnings[0]!,
      /^2 tracked files are outside your sparse checkout, not on disk and not in the snapshot — the job will not see out\/b\.csv, out\/c\.csv; widen the checkout/,
    );
  });

  it('keeps CRLF bytes with core.autocrlf=true, and with text/eol attributes', async () => {
    const crlf = 'a,b\r\n1,2\r\n';
    const dir = repo({ 'nb.ipynb': '{}', 'data.csv': crlf, 'lf.txt': 'x\n' }, ['core.autocrlf', 'true']);
    // Committed before: stored as LF, and the file on disk (unchanged since) is CRLF.
    writeFileSync(join(dir, 'new.csv'), crlf);
    writeFileSync(join(dir, 'sub.csv'), crlf);
    writeFileSync(join(dir, '.gitattributes'), 'sub.csv text eol=lf\n');
    const { snap } = await planAndSnapshot(dir);
    for (const p of ['data.csv', 'new.csv', 'sub.csv'])
      assert.equal(blob(dir, snap.sha, p).toString(), crlf, p);
    assert.equal(blob(dir, snap.sha, 'lf.txt').toString(), 'x\n');
    // A clone on the job's side gets the same bytes.
    const clone = join(tmp, `clone-${n}`);
    git(tmp, 'clone', '-q', '--no-checkout', dir, clone);
    git(clone, 'checkout', '-q', snap.sha);
    assert.equal(execFileSync('cat', [join(clone, 'data.csv')]).toString(), crlf);
  });

  it('keeps nothing in /tmp, and the next snapshot removes what a killed one left', async () => {
    const home = process.env['MYMLOPS_HOME']!;
    const dir = repo({ 'nb.ipynb': '{}' });
    // A folder left by a process that is gone (pid 2^22 + 1 is above Linux's pid_max).
    const dead = join(home, 'tmp', `snapshot-${2 ** 22 + 1}-abc`);
    mkdirSync(dead, { recursive: true });
    writeFileSync(join(dead, 'index'), 'copy of an index');
    // The system's temporary folder (os.tmpdir() reads TMPDIR when called) stays empty.
    const sysTmp = join(tmp, 'system-tmp');
    mkdirSync(sysTmp);
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = sysTmp;
    try {
      await planAndSnapshot(dir);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
    assert.deepEqual(readdirSync(sysTmp), []);
    assert.equal(existsSync(dead), false);
    assert.deepEqual(readdirSync(join(home, 'tmp')), []);
    assert.match(snapshotTempDir(home), new RegExp(`snapshot-${process.pid}-$`));
  });
});
