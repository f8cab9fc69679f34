// A token in the https URLs of both repositories, end to end on the local backend: `mymlops commit`
// pushes the snapshot, the real job script fetches it and publishes through a basic-auth git server,
// `mymlops status --json` reads the result — and the token shows up nowhere but the job's 0600 key
// files: not in a printed line, a file under MYMLOPS_HOME, the output repository, the status, or
// the argv of any git process (the argv-logging git stands in for `ps`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCliAsync } from '../helpers/cli.js';
import { argvLoggingGit, type GitHttp, startGitHttp } from '../helpers/git-http.js';
import {
  bareRepo,
  FAKE_COMMAND,
  outputFile,
  outputFolders,
  userRepo,
  writeConfig,
} from '../helpers/git-repo.js';

const TOKEN = 'ghp_T0kenThatMustNotLeak42';
const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-url-creds-'));
const home = join(tmp, 'home');
const root = join(tmp, 'http-root');
const argvLog = join(tmp, 'argv.log');
let http: GitHttp | null = null;
after(() => {
  http?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Every regular file under `dir`, recursively. */
function files(dir: string): string[] {
  const all: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) all.push(...files(p));
    else if (e.isFile()) all.push(p);
  }
  return all;
}

describe('commit with https URLs carrying a token (local backend, real job script)', () => {
  const repo = join(tmp, 'repo');
  const out = join(root, 'out.git');
  let env: NodeJS.ProcessEnv = {};
  let url = (_name: string) => '';

  before(async () => {
    bareRepo(join(root, 'code.git'));
    bareRepo(out);
    http = await startGitHttp(root, 'alice', TOKEN);
    url = (name) => `http://127.0.0.1:${http!.host.split(':')[1]}/${name}.git`;
    const bin = argvLoggingGit(tmp, argvLog);
    userRepo(repo);
    // As a user writes it: the token comes from the environment through ${GIT_TOKEN}.
    const withToken = (name: string) => url(name).replace('http://', 'http://alice:${GIT_TOKEN}@');
    writeConfig(repo, { command: FAKE_COMMAND, repository: withToken('code'), output: withToken('out') });
    mkdirSync(home, { recursive: true });
    env = { ...process.env, MYMLOPS_HOME: home, GIT_TOKEN: TOKEN, PATH: `${bin}:${process.env['PATH']}` };
  });

  let id = '';
  let printed = '';
  it('the commit succeeds: the token reached the server for both repositories', async () => {
    const r = await runCliAsync(['commit', 'notebooks/quick.ipynb', '-n', 'token test'], {
      cwd: repo,
      env,
      timeoutMs: 120_000,
    });
    printed = r.stdout + r.stderr;
    assert.equal(r.code, 0, printed);
    id = /commit (\d{8}_\d{6})/.exec(r.stderr)![1]!;
    assert.match(r.stderr, new RegExp(`mymlops: commit ${id} succeeded`));
    assert.deepEqual(outputFolders(out), [id]);
    assert.ok(http!.authSeen.includes(`Basic ${Buffer.from(`alice:${TOKEN}`).toString('base64')}`));
    // The job log names the repositories by their stripped URLs (not a redaction of them).
    assert.match(r.stdout, new RegExp(`fetching snapshot \\w+ from ${url('code')}\\n`));
    assert.match(r.stdout, new RegExp(`publishing to ${url('out')} \\(master\\)`));
  });

  it('no printed line holds it', () => {
    assert.ok(printed.length > 0);
    assert.ok(!printed.includes(TOKEN), printed);
  });

  it('under MYMLOPS_HOME only keys/repository.cred and keys/output.cred hold it, mode 0600, kept', () => {
    const keys = join(home, 'jobs', id, 'keys');
    const credFiles = ['repository.cred', 'output.cred'].map((f) => join(keys, f));
    for (const f of credFiles) {
      assert.equal(readFileSync(f, 'utf8'), `username=alice\npassword=${TOKEN}\n`);
      assert.equal(statSync(f).mode & 0o777, 0o600, f);
    }
    assert.equal(lstatSync(keys).mode & 0o077, 0, 'keys/ is private');
    const all = files(home);
    assert.ok(
      all.includes(join(home, 'jobs', id, 'job.json')) && all.includes(join(home, 'jobs', id, 'job.log')),
    );
    const holding = all.filter((f) => readFileSync(f).includes(TOKEN)).map((f) => relative(home, f));
    assert.deepEqual(holding.sort(), credFiles.map((f) => relative(home, f)).sort());
    const job = JSON.parse(readFileSync(join(home, 'jobs', id, 'job.json'), 'utf8'));
    assert.equal(job.repository.url, url('code'));
    assert.equal(job.output_repository.url, url('out'));
  });

  it('no object of the output repository holds it', () => {
    const objects = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: out });
    assert.ok(objects.includes(`${id}/`) || objects.includes('metadata.json'));
    assert.ok(!objects.includes(TOKEN));
    const history = execFileSync('git', ['log', '-p', '--all'], { cwd: out, encoding: 'utf8' });
    assert.match(history, /job\.log/);
    assert.ok(!history.includes(TOKEN));
    const meta = JSON.parse(outputFile(out, `${id}/metadata.json`));
    assert.equal(meta.repository, url('code'));
    assert.equal(meta.status, 'succeeded');
  });

  it('status --json does not hold it (and the mirror it reads through is fetched with the helper)', async () => {
    const r = await runCliAsync(['status', '--json'], { cwd: repo, env, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(id));
    assert.match(r.stdout, /succeeded/);
    assert.ok(!(r.stdout + r.stderr).includes(TOKEN));
    const holding = files(home).filter((f) => readFileSync(f).includes(TOKEN));
    assert.equal(holding.length, 2, holding.join(', '));
  });

  it('no git process had it in its argv: the job used the URL-scoped credential helper', () => {
    const argv = readFileSync(argvLog, 'utf8');
    assert.ok(!argv.includes(TOKEN));
    const helper = `credential.${url('x').replace(/\/x\.git$/, '')}.helper=`;
    // The job's fetch of the snapshot and its push of the result, each with its key file.
    assert.match(
      argv,
      new RegExp(
        `${helper}.*keys/repository\\.cred.* fetch -q --no-tags --depth=1 origin \\+refs/mymlops/snapshots/${id}`,
      ),
    );
    assert.match(argv, new RegExp(`${helper}.*keys/output\\.cred.* push -q ${url('out')} `));
    assert.match(argv, new RegExp(`git-remote-http origin ${url('code')}\\n`));
  });
});
