// A token in start.repository.url on the local backend: the dev machine clones through a basic-auth
// git server, and its start command pulls in the clone — and the token is nowhere but the
// machine's 0600 keys/repository.cred: not in job.json, another file under MYMLOPS_HOME, a printed
// line, or the argv of any git process (the argv-logging git stands in for `ps`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { argvLoggingGit, type GitHttp, startGitHttp } from '../helpers/git-http.js';
import { bareRepo, git, userRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'ghp_DevT0kenThatMustNotLeak7';
const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-start-creds-'));
const home = join(tmp, 'home');
const root = join(tmp, 'http-root');
const repo = join(tmp, 'repo');
const argvLog = join(tmp, 'argv.log');
const dir = join(home, 'dev', 'tok');
let http: GitHttp | null = null;
let env: NodeJS.ProcessEnv = {};

function files(d: string): string[] {
  const all: string[] = [];
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) all.push(...files(p));
    else if (e.isFile()) all.push(p);
  }
  return all;
}

after(() => {
  for (const f of ['pid', 'command.pid'])
    try {
      process.kill(-Number(readFileSync(join(dir, f), 'utf8')), 'SIGKILL');
    } catch {}
  http?.close();
  rmSync(tmp, { recursive: true, force: true });
});

before(async () => {
  const code = join(root, 'code.git');
  bareRepo(code);
  bareRepo(join(tmp, 'out.git'));
  userRepo(repo);
  writeFileSync(join(repo, 'hello.txt'), 'cloned over https\n');
  git(repo, 'add', 'hello.txt');
  git(repo, 'commit', '-q', '-m', 'hello');
  git(repo, 'push', '-q', code, 'master');
  http = await startGitHttp(root, 'alice', TOKEN);
  const url = `http://alice:\${GIT_TOKEN}@${http.host}/code.git`;
  writeFileSync(
    join(repo, 'mymlops.yml'),
    `backend: local
commit:
  command: "true"
  repository: {url: ${JSON.stringify(code)}}
  output_repository: {url: ${JSON.stringify(join(tmp, 'out.git'))}}
start:
  command: "git pull -q --ff-only && echo pulled > pulled.txt && exec sleep 600"
  repository: {url: "${url}"}
  idle_shutdown: {timeout: 0}
`,
  );
  const bin = argvLoggingGit(tmp, argvLog);
  env = { MYMLOPS_HOME: home, GIT_TOKEN: TOKEN, PATH: `${bin}:${process.env['PATH']}` };
});

describe('start with an https URL carrying a token (local backend)', () => {
  let printed = '';
  it('the clone and a pull in it authenticate with the token', async () => {
    const dry = runCli(['start', '--name', 'tok', '--dry-run', '--json'], { cwd: repo, env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /<from the start\.repository URL>/);
    const r = runCli(['start', '--name', 'tok'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr);
    printed = dry.stdout + dry.stderr + r.stdout + r.stderr;
    const pulled = join(dir, 'repo', 'pulled.txt');
    await waitFor(() => existsSync(pulled), {
      what: 'the start command to pull in the clone',
      detail: () => (existsSync(join(dir, 'job.log')) ? readFileSync(join(dir, 'job.log'), 'utf8') : ''),
    });
    assert.equal(readFileSync(join(dir, 'repo', 'hello.txt'), 'utf8'), 'cloned over https\n');
    assert.ok(http!.authSeen.includes(`Basic ${Buffer.from(`alice:${TOKEN}`).toString('base64')}`));
    const status = runCli(['status', '--json'], { cwd: repo, env });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /"name": "tok"/);
    printed += status.stdout + status.stderr;
  });

  it('no printed line holds it', () => {
    assert.ok(printed.length > 0);
    assert.ok(!printed.includes(TOKEN), printed);
  });

  it('under MYMLOPS_HOME only the 0600 keys/repository.cred holds it (the clone config names the file)', () => {
    const cred = join(dir, 'keys', 'repository.cred');
    assert.equal(readFileSync(cred, 'utf8'), `username=alice\npassword=${TOKEN}\n`);
    assert.equal(statSync(cred).mode & 0o777, 0o600);
    const all = files(home);
    assert.ok(all.includes(join(dir, 'job.json')) && all.includes(join(dir, 'repo', '.git', 'config')));
    const holding = all.filter((f) => readFileSync(f).includes(TOKEN)).map((f) => relative(home, f));
    assert.deepEqual(holding, [relative(home, cred)]);
    const job = JSON.parse(readFileSync(join(dir, 'job.json'), 'utf8'));
    assert.equal(job.repository.url, `http://${http!.host}/code.git`);
    const helper = execFileSync(
      '/usr/bin/git',
      ['-C', join(dir, 'repo'), 'config', '--get-all', `credential.http://${http!.host}.helper`],
      { encoding: 'utf8' },
    );
    assert.match(helper, /keys\/repository\.cred/);
  });

  it('no git process had it in its argv: clone and pull used the host-scoped helper', () => {
    const argv = readFileSync(argvLog, 'utf8');
    assert.ok(!argv.includes(TOKEN));
    assert.match(
      argv,
      new RegExp(
        `credential\\.http://${http!.host.replace(/\./g, '\\.')}\\.helper=.*keys/repository\\.cred.* clone --recursive --branch master http://${http!.host.replace(/\./g, '\\.')}/code\\.git`,
      ),
    );
    assert.match(argv, / pull -q --ff-only\n/);
  });
});
