// An nbformat 3 notebook committed as a user does (init's config, the shipped runner): accepted,
// upgraded in the snapshot, executed, its error found.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, runCli } from '../helpers/cli.js';
import { git, outputFile } from '../helpers/git-repo.js';

const canRun =
  spawnSync('/usr/bin/python3', ['-c', 'import nbclient, ipykernel'], { stdio: 'ignore' }).status === 0;

describe('commit an nbformat 3 notebook', { skip: !canRun && 'python3-nbclient not installed' }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mymlops-nbformat3-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('runs it upgraded to format 4 and reports its error', () => {
    const repo = join(tmp, 'repo');
    const env = { MYMLOPS_HOME: join(tmp, 'home') };
    mkdirSync(repo);
    git(repo, 'init', '-q', '--initial-branch=master');
    copyFileSync(join(ROOT, 'test', 'fixtures', 'notebook-v3', 'v3.ipynb'), join(repo, 'old.ipynb'));
    assert.equal(runCli(['init'], { cwd: repo, env }).code, 0);
    const yml = readFileSync(join(repo, 'mymlops.yml'), 'utf8');
    writeFileSync(join(repo, 'mymlops.yml'), yml.replace(/progress_interval: \d+/, 'progress_interval: 0'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'old notebook');
    const r = runCli(['commit', 'old.ipynb'], { cwd: repo, env });
    assert.equal(r.code, 1, r.stderr);
    const id = /commit (\d{8}_\d{6})/.exec(r.stderr)![1]!;
    const out = /^ {4}url: (.*-output\.git)$/m.exec(yml)![1]!;
    const nb = JSON.parse(outputFile(out, `${id}/old.ipynb`)) as { nbformat: number };
    assert.equal(nb.nbformat, 4);
    const m = JSON.parse(outputFile(out, `${id}/metadata.json`)) as Record<string, unknown>;
    // The marker cell on top, then the upgraded cells: the heading, the text, three code cells.
    assert.deepEqual(m['error'], { cell: 5, ename: 'ZeroDivisionError', evalue: 'division by zero' });
    assert.deepEqual(m['progress'], { cells_done: 3, cells_total: 3 });
  });
});
