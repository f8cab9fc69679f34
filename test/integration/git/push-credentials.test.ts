// Whose credentials push the snapshot: the user's own first (ssh agent here), the deploy key as the
// fallback — on a real sshd where a read-only deploy key is refused with GitHub's message — and a
// token written into an http URL, which must reach the server but never any process's argv.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSnapshot, pushRef } from '../../../src/adapters/git/snapshot.js';
import { bareRepo, git } from '../../helpers/git-repo.js';
import { addClientKey, READ_ONLY_KEY_MESSAGE, type Sshd, startSshd } from '../../helpers/sshd.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-push-creds-'));
const saved = { ...process.env };
let sshd: Sshd | null = null;
let agent: ChildProcess | null = null;
let http: Server | null = null;
after(async () => {
  process.env = saved;
  agent?.kill('SIGTERM');
  http?.close();
  await sshd?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const repo = join(tmp, 'repo');
let sha = '';
before(async () => {
  mkdirSync(repo);
  git(repo, 'init', '-q', '--initial-branch=main');
  writeFileSync(join(repo, 'nb.ipynb'), '{}');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'initial');
  sha = (
    await createSnapshot({
      root: repo,
      notebook: 'nb.ipynb',
      notebookContent: '{}',
      message: 'm',
      exclude: [],
    })
  ).sha;
});

async function waitFor(what: string, fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pushRef over ssh: the user’s own credentials, then the deploy key', () => {
  let origin = '';
  let url = '';
  let readOnly = '';
  let writable = '';
  let userKey = '';
  const sock = join(tmp, 'agent.sock');
  const sshOptions = () => [
    '-o',
    `UserKnownHostsFile=${join(sshd!.dir, 'known_hosts')}`,
    '-o',
    'LogLevel=ERROR',
  ];
  const agentHas = (key: string | null) => {
    const env = { ...process.env, SSH_AUTH_SOCK: sock };
    execFileSync('ssh-add', ['-D'], { env, stdio: 'ignore' });
    if (key) execFileSync('ssh-add', [key], { env, stdio: 'ignore' });
  };

  before(async () => {
    sshd = await startSshd();
    origin = bareRepo(join(tmp, 'origin.git'));
    url = `ssh://root@127.0.0.1:${sshd.port}${origin}`;
    readOnly = addClientKey(sshd, 'read_only_deploy_key', { readOnly: true });
    writable = addClientKey(sshd, 'writable_deploy_key');
    userKey = addClientKey(sshd, 'user_key');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    await waitFor('ssh-agent socket', () => readdirSync(tmp).includes('agent.sock'));
    process.env['SSH_AUTH_SOCK'] = sock;
    delete process.env['GIT_SSH_COMMAND'];
  });

  it('pushes with the user’s key from their agent although the deploy key is read-only', async () => {
    agentHas(userKey);
    const ref = 'refs/mymlops/snapshots/user';
    const r = await pushRef({
      root: repo,
      url,
      sha,
      ref,
      auth: { deployKey: readOnly, sshOptions: sshOptions() },
    });
    assert.deepEqual(r, { ok: true, value: undefined });
    assert.equal(git(origin, 'rev-parse', ref), sha);
  });

  it('the read-only key may still fetch: the machine needs no more', () => {
    const clone = join(tmp, 'clone');
    const ssh = `ssh -i ${readOnly} -o IdentitiesOnly=yes -o BatchMode=yes ${sshOptions().join(' ')}`;
    bareRepo(clone);
    execFileSync('git', ['fetch', '-q', url, 'refs/mymlops/snapshots/user'], {
      cwd: clone,
      env: { ...process.env, GIT_SSH_COMMAND: ssh },
    });
    assert.equal(git(clone, 'rev-parse', 'FETCH_HEAD'), sha);
  });

  it('falls back to a writable deploy key when the user’s credentials cannot push', async () => {
    agentHas(null);
    const ref = 'refs/mymlops/snapshots/deploy';
    const r = await pushRef({
      root: repo,
      url,
      sha,
      ref,
      auth: { deployKey: writable, sshOptions: sshOptions() },
    });
    assert.deepEqual(r, { ok: true, value: undefined });
    assert.equal(git(origin, 'rev-parse', ref), sha);
  });

  it('names both attempts’ errors in one line when neither can push', async () => {
    agentHas(null);
    const ref = 'refs/mymlops/snapshots/none';
    const r = await pushRef({
      root: repo,
      url,
      sha,
      ref,
      auth: { deployKey: readOnly, sshOptions: sshOptions() },
    });
    assert.equal(r.ok, false);
    const line = r.ok ? '' : r.error;
    assert.doesNotMatch(line, /\n/);
    assert.match(line, /^with your git credentials: .*Permission denied \(publickey/);
    assert.ok(line.endsWith(`; with commit.repository.deploy_key: ${READ_ONLY_KEY_MESSAGE}`), line);
    assert.throws(() => git(origin, 'rev-parse', '--verify', ref));
  });
});

describe('pushRef over http with a token in the URL', () => {
  const TOKEN = 'S3cr3tT0ken';
  const argvLog = join(tmp, 'argv.log');
  const authSeen: string[] = [];
  let base = '';
  let origin = '';

  before(async () => {
    origin = bareRepo(join(tmp, 'http-root', 'code.git'));
    // Every git process and git's http remote helper log their argv, as `ps` would show it.
    const bin = join(tmp, 'bin');
    const execPath = join(tmp, 'exec-path');
    mkdirSync(bin);
    mkdirSync(execPath);
    const realExec = execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim();
    const logger = (real: string) =>
      `#!/bin/sh\nprintf '%s\\n' "$0 $*" >>'${argvLog}'\nexec '${real}' "$@"\n`;
    for (const f of readdirSync(realExec)) {
      if (f === 'git-remote-http' || f === 'git-remote-https') {
        writeFileSync(join(execPath, f), logger(join(realExec, 'git-remote-http')));
        chmodSync(join(execPath, f), 0o755);
      } else symlinkSync(join(realExec, f), join(execPath, f));
    }
    writeFileSync(join(bin, 'git'), logger('/usr/bin/git'));
    chmodSync(join(bin, 'git'), 0o755);
    process.env['PATH'] = `${bin}:${saved['PATH']}`;
    process.env['GIT_EXEC_PATH'] = execPath;

    // A smart-http server: basic auth, then git http-backend as CGI.
    http = createServer((req, res) => {
      authSeen.push(req.headers.authorization ?? '');
      if (req.headers.authorization !== `Basic ${Buffer.from(`alice:${TOKEN}`).toString('base64')}`) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="code"' }).end();
        return;
      }
      const u = new URL(req.url ?? '/', 'http://x');
      const cgi = spawn('/usr/bin/git', ['http-backend'], {
        env: {
          PATH: saved['PATH'],
          GIT_PROJECT_ROOT: join(tmp, 'http-root'),
          GIT_HTTP_EXPORT_ALL: '1',
          REMOTE_USER: 'alice',
          REMOTE_ADDR: '127.0.0.1',
          REQUEST_METHOD: req.method ?? 'GET',
          PATH_INFO: u.pathname,
          QUERY_STRING: u.search.slice(1),
          CONTENT_TYPE: req.headers['content-type'] ?? '',
          HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        },
      });
      req.pipe(cgi.stdin);
      const out: Buffer[] = [];
      cgi.stdout.on('data', (d: Buffer) => out.push(d));
      cgi.on('close', () => {
        const all = Buffer.concat(out);
        const end = all.indexOf('\r\n\r\n');
        const headers: Record<string, string> = {};
        let status = 200;
        for (const h of all.subarray(0, end).toString().split('\r\n')) {
          const [k = '', ...v] = h.split(': ');
          if (k.toLowerCase() === 'status') status = Number.parseInt(v.join(': '), 10);
          else headers[k] = v.join(': ');
        }
        res.writeHead(status, headers).end(all.subarray(end + 4));
      });
    });
    await new Promise<void>((r) => http!.listen(0, '127.0.0.1', r));
    const a = http.address();
    base = `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });

  it('reaches the server through the credential helper while no argv holds the token', async () => {
    const ref = 'refs/mymlops/snapshots/http';
    const r = await pushRef({
      root: repo,
      url: `http://alice:${TOKEN}@${base}/code.git`,
      sha,
      ref,
      auth: {},
    });
    assert.deepEqual(r, { ok: true, value: undefined });
    assert.equal(git(origin, 'rev-parse', ref), sha);
    assert.ok(
      authSeen.some((h) => h.startsWith('Basic ')),
      'the credential reached the server',
    );
    const argv = readFileSync(argvLog, 'utf8');
    assert.match(argv, /git-remote-http[s]? \S+ http:\/\/127\.0\.0\.1:\d+\/code\.git/);
    assert.match(argv, / push --no-verify/);
    assert.doesNotMatch(argv, new RegExp(TOKEN));
  });

  it('a wrong token fails with an error line that does not repeat it', async () => {
    const r = await pushRef({
      root: repo,
      url: `http://alice:wrong${TOKEN}x@${base}/code.git`,
      sha,
      ref: 'refs/x/y',
      auth: {},
    });
    assert.equal(r.ok, false);
    assert.doesNotMatch(r.ok ? '' : r.error, new RegExp(TOKEN));
    assert.match(r.ok ? '' : r.error, /Authentication failed|401/);
    assert.doesNotMatch(readFileSync(argvLog, 'utf8'), new RegExp(TOKEN));
  });
});
