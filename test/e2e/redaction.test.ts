// Secrets kept out of what the built CLI prints: a local job's log under `logs ID`, and harmless
// values under secret-looking names (USE_API=true) left alone so `status --json` stays JSON.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { bareRepo, git, writeConfig } from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-redact-'));
const home = join(tmp, 'home');
const repo = join(tmp, 'repo');
const env = { MYMLOPS_HOME: home };
const SECRET = 'hf_s3cretValue42';
const ID = '20260101_120000';
after(() => rmSync(tmp, { recursive: true, force: true }));

before(() => {
  mkdirSync(repo, { recursive: true });
  git(repo, 'init', '-q', '--initial-branch=main');
  const out = bareRepo(join(tmp, 'out.git'));
  writeConfig(repo, { command: 'python3 x.py', repository: bareRepo(join(tmp, 'origin.git')), output: out });
  writeFileSync(join(repo, '.env'), `USE_API=true\nUSE_AUTH=false\nTOKEN_TTL=3600\nHF_TOKEN=${SECRET}\n`);
  // A local job launched from this home that printed the token (it has ended: no pid).
  const dir = join(home, 'jobs', ID);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'launch.json'),
    JSON.stringify({
      commit: ID,
      state: 'launched',
      backend: 'local',
      machine: 'mymlops-20260101-120000',
      zone: null,
      notebook: 'nb.ipynb',
      notes: null,
      repository: { url: join(tmp, 'origin.git'), branch: 'main' },
      output_repository: { url: out, branch: 'master' },
      source_commit: 'abc',
      attempt: 1,
      created_at: '2026-01-01T12:00:00Z',
      config_file: join(repo, 'mymlops.yml'),
    }),
  );
  writeFileSync(join(dir, 'job.log'), `mymlops: running: x\nthe token is ${SECRET}; ttl 3600, api true\n`);
});

describe('redaction in what the CLI prints', () => {
  it('logs ID redacts a secret the local job printed, and nothing else', () => {
    const r = runCli(['logs', ID], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(SECRET), r.stdout);
    assert.match(r.stdout, /the token is \*\*\*; ttl 3600, api true/);
  });

  it('logs ID run from another folder redacts with the secrets of the config it was launched with', () => {
    const r = runCli(['logs', ID], { cwd: tmp, env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(SECRET), r.stdout);
    assert.match(r.stdout, /the token is \*\*\*;/);
  });

  it('status --json stays valid JSON with its values when .env holds true/false/3600 under secret names', () => {
    const r = runCli(['status', '--json'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr);
    const status = JSON.parse(r.stdout) as { commits: { id: string; artifacts: boolean }[] };
    assert.equal(status.commits[0]?.id, ID);
    assert.equal(status.commits[0]?.artifacts, false);
  });
});
