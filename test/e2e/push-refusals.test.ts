// Servers that refuse a push, with real git and server hooks: the reason the server gives reaches
// the user in one line with a fix that fits it (not "check your credentials"), and a refused
// result push is kept at once — asking again for minutes gets the same answer.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { bareRepo, FAKE_COMMAND, git, outputFolders, userRepo, writeConfig } from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-refusals-'));
const env = { MYMLOPS_HOME: join(tmp, 'home') };
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
const hook = join(out, 'hooks', 'pre-receive');

before(() => {
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  git(repo, 'push', '-q', origin, 'master');
  writeConfig(repo, { command: FAKE_COMMAND, repository: origin, output: out });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('a snapshot from a shallow clone to a repository that lacks its history: says unshallow', () => {
  // Two commits upstream, a depth-1 clone of them, and a code repository that has neither.
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'second');
  git(repo, 'push', '-q', origin, 'master');
  const shallow = join(tmp, 'shallow');
  git(tmp, 'clone', '-q', '--depth', '1', `file://${origin}`, shallow);
  const empty = bareRepo(join(tmp, 'empty.git'));
  writeConfig(shallow, { command: FAKE_COMMAND, repository: empty, output: out });
  const r = runCli(['commit', 'notebooks/quick.ipynb'], { cwd: shallow, env });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /could not push the snapshot to .*empty\.git: .*shallow update not allowed/);
  assert.match(r.stderr, /— your clone is shallow .*git fetch --unshallow/);
  assert.doesNotMatch(r.stderr, /credentials/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test("a result push refused by the output repository's hook is kept at once, with the server's reason", () => {
  writeFileSync(hook, '#!/bin/sh\necho "results are frozen until Monday" >&2\nexit 1\n');
  chmodSync(hook, 0o755);
  const r = runCli(['commit', 'notebooks/quick.ipynb'], { cwd: repo, env });
  assert.equal(r.code, 1, r.stderr);
  const id = /commit (\d{8}_\d{6})/.exec(r.stderr)![1]!;
  const last = r.stderr.trim().split('\n').pop()!;
  assert.match(
    last,
    /failed in .* — push to .*out\.git refused by the server: remote: results are frozen until Monday \(pre-receive hook declined\)/,
  );
  assert.doesNotMatch(r.stderr, /trying again/, 'a refusal is not retried');
  assert.deepEqual(outputFolders(out), []);
  unlinkSync(hook);
  const p = runCli(['publish', id], { cwd: repo, env });
  assert.equal(p.code, 0, p.stderr);
  assert.deepEqual(outputFolders(out), [id]);
});
