// The snapshot adapter against real git: what lands in the snapshot commit, what never changes in
// the user's repository, and arguments that a shell would otherwise interpret.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createSnapshot, pushRef, repoRoot } from '../../../src/adapters/git/snapshot.js';
import { bareRepo, git } from '../../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-snapshot-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function repo(files: Record<string, string>, opts: { commit?: boolean } = {}): string {
  const dir = join(tmp, `repo ${++n} 'q' "dq"`);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '--initial-branch=main');
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  if (opts.commit !== false) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'initial');
  }
  return dir;
}

/** A snapshot of dir with nb.ipynb replaced by `content`. */
const snapshot = (dir: string, content = 'c') =>
  createSnapshot({ root: dir, notebook: 'nb.ipynb', notebookContent: content, message: 'm' });
const show = (dir: string, rev: string) => git(dir, 'show', rev);
const files = (dir: string, sha: string) => git(dir, 'ls-tree', '-r', '--name-only', sha).split('\n');

describe('createSnapshot', () => {
  it('holds the working tree as it is on disk, with the cleared notebook, and touches nothing of the user', async () => {
    const dir = repo({
      'nb.ipynb': 'on disk',
      'lib/helper.py': 'v1',
      '.gitignore': 'data/\n',
      'gone.txt': 'x',
    });
    writeFileSync(join(dir, 'lib/helper.py'), 'v2, not committed');
    writeFileSync(join(dir, 'new.py'), 'untracked');
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data/big.bin'), 'ignored');
    unlinkSync(join(dir, 'gone.txt'));
    git(dir, 'add', 'new.py'); // something staged, too
    const index = readFileSync(join(dir, '.git', 'index'));
    const status = git(dir, 'status', '--porcelain');
    const head = git(dir, 'rev-parse', 'HEAD');

    const snap = await snapshot(dir, 'cleared');

    assert.equal(snap.parent, head);
    assert.deepEqual(files(dir, snap.sha), ['.gitignore', 'lib/helper.py', 'nb.ipynb', 'new.py']);
    assert.equal(show(dir, `${snap.sha}:nb.ipynb`), 'cleared');
    assert.equal(show(dir, `${snap.sha}:lib/helper.py`), 'v2, not committed');
    assert.equal(git(dir, 'rev-parse', `${snap.sha}^{tree}`), snap.tree);
    assert.deepEqual(readFileSync(join(dir, '.git', 'index')), index);
    assert.equal(git(dir, 'status', '--porcelain'), status);
    assert.equal(git(dir, 'rev-parse', 'HEAD'), head);
    assert.equal(git(dir, 'for-each-ref', '--format=%(refname)'), 'refs/heads/main');
  });

  it('passes paths and messages through untouched by the shell', async () => {
    const marker = join(tmp, 'shell-ran');
    const nb = `note books/it's "$(touch ${marker})".ipynb`;
    const dir = repo({ [nb]: '{}' });
    const message = `mymlops snapshot: \`touch ${marker}\` $(touch ${marker}) $HOME\n\nnotes; 'quoted' "dq" \\n`;
    const snap = await createSnapshot({ root: dir, notebook: nb, notebookContent: 'c', message });
    assert.equal(existsSync(marker), false);
    assert.equal(git(dir, 'log', '-1', '--format=%B', snap.sha), message.trim());
    assert.equal(show(dir, `${snap.sha}:${nb}`), 'c');
  });

  it('works in a repository with no commits and no git identity', async () => {
    const dir = repo({ 'nb.ipynb': 'x' }, { commit: false });
    const home = join(tmp, 'empty-home');
    mkdirSync(home, { recursive: true });
    const env = {
      HOME: home,
      XDG_CONFIG_HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
      // Never guess user@host (a machine with a full host name would get one): no identity at all.
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'user.useConfigOnly',
      GIT_CONFIG_VALUE_0: 'true',
      GIT_AUTHOR_NAME: undefined,
      GIT_AUTHOR_EMAIL: undefined,
      GIT_COMMITTER_NAME: undefined,
      GIT_COMMITTER_EMAIL: undefined,
      EMAIL: undefined,
    };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    try {
      const snap = await snapshot(dir);
      assert.equal(snap.parent, null);
      assert.equal(git(dir, 'log', '-1', '--format=%an <%ae>', snap.sha), 'mymlops <mymlops@localhost>');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('fails with git’s own words outside a repository', async () => {
    const dir = join(tmp, 'not-a-repo');
    mkdirSync(dir);
    assert.equal(await repoRoot(dir), null);
    await assert.rejects(snapshot(dir), /not a git repository/);
  });
});

describe('pushRef', () => {
  it('pushes the snapshot to a hidden ref, and says why when the remote refuses', async () => {
    const dir = repo({ 'nb.ipynb': 'x' });
    const remote = bareRepo(join(tmp, 'remote.git'));
    const snap = await snapshot(dir);
    const ref = 'refs/mymlops/snapshots/20260101_000000';
    assert.deepEqual(await pushRef({ root: dir, url: remote, sha: snap.sha, ref, auth: {} }), {
      ok: true,
      value: undefined,
    });
    assert.equal(git(remote, 'rev-parse', ref), snap.sha);
    const refused = await pushRef({ root: dir, url: join(tmp, 'no-such.git'), sha: snap.sha, ref, auth: {} });
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.error, /does not appear to be a git repository|no-such\.git/);
    // Hooks of the user's repository never run on these pushes.
    const hook = join(dir, '.git', 'hooks', 'pre-push');
    writeFileSync(hook, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const again = await pushRef({ root: dir, url: remote, sha: snap.sha, ref: `${ref}-2`, auth: {} });
    assert.equal(again.ok, true);
    execFileSync('git', ['-C', remote, 'rev-parse', `${ref}-2`]);
  });
});
