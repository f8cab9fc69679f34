// Credentials that would leak through what a command writes or where it listens: `init` in a clone
// whose origin URL holds a token, and `dashboard --host ""` (every interface).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { BIN, runCli } from '../helpers/cli.js';
import { git } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-init-host-'));
const env = { MYMLOPS_HOME: join(tmp, 'home') };
// A dashboard the test stopped may still be finishing a write into its cache.
after(() => rmSync(tmp, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 }));

describe('init in a clone whose origin URL carries a token', () => {
  it('writes the URL without it and says so in one line', () => {
    const repo = join(tmp, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '--initial-branch=main');
    git(repo, 'remote', 'add', 'origin', 'https://alice:ghp_T0kenValue123@github.com/alice/nb.git');
    const r = runCli(['init'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(join(repo, 'mymlops.yml'), 'utf8');
    assert.ok(!text.includes('ghp_T0kenValue123') && !text.includes('alice:'), text);
    assert.match(text, /url: https:\/\/github\.com\/alice\/nb\.git\n/);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /credentials in origin's URL were left out of mymlops\.yml/);
    // The config it wrote is valid as it is.
    assert.equal(runCli(['validate'], { cwd: repo, env }).code, 0);
  });
});

describe('dashboard --host', () => {
  it('refuses an empty host in one line instead of listening on every interface', () => {
    for (const host of ['', ' ']) {
      const r = runCli(['dashboard', '--host', host, '--port', '0'], { cwd: tmp, env, timeoutMs: 20_000 });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^mymlops: --host is empty, which would listen on every interface — .*\n$/);
    }
  });

  it('warns in one line when it listens on a non-loopback address', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const child = spawn(process.execPath, [BIN, 'dashboard', '--host', '0.0.0.0', '--port', String(port)], {
      cwd: join(tmp, 'repo'), // the project `init` made above
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    try {
      await waitFor(() => stdout.includes('dashboard: '), {
        what: 'the dashboard to listen',
        timeoutMs: 30_000,
      });
      assert.equal(
        stderr,
        'mymlops: warning: the dashboard listens on 0.0.0.0: anyone who can reach this machine can see your commits and notebooks\n',
      );
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
