// Two projects (two output repositories, here from one code repository) sharing one MYMLOPS_HOME,
// as the default ~/.mymlops is shared (built CLI, local backend): each project's status, Tab
// completion and prune see only its own commits; an older launch record that does not name its
// output repository is attributed (from its job.json) and rewritten, not lost.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { bareRepo, FAKE_COMMAND, git, userRepo, writeConfig } from '../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-projects-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const home = join(tmp, 'home');
const repo = join(tmp, 'repo');
const origin = join(tmp, 'origin.git');
const out = { a: join(tmp, 'out-a.git'), b: join(tmp, 'out-b.git') };
const cfg = { a: join(tmp, 'a.yml'), b: join(tmp, 'b.yml') };
const env = { MYMLOPS_HOME: home };
const ids = { a: '', b: '' };

const cli = (p: 'a' | 'b', args: string[]) => runCli(['-c', cfg[p], ...args], { cwd: repo, env });
const statusIds = (p: 'a' | 'b'): string[] => {
  const r = cli(p, ['status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout).commits as { id: string }[]).map((c) => c.id);
};
const launchJson = (id: string) => join(home, 'jobs', id, 'launch.json');

before(() => {
  userRepo(repo);
  bareRepo(origin);
  for (const p of ['a', 'b'] as const) {
    bareRepo(out[p]);
    writeConfig(repo, { command: FAKE_COMMAND, repository: origin, output: out[p] });
    writeFileSync(cfg[p], readFileSync(join(repo, 'mymlops.yml')));
    rmSync(join(repo, 'mymlops.yml'));
  }
  for (const p of ['a', 'b'] as const) {
    const r = cli(p, ['commit', 'notebooks/quick.ipynb']);
    assert.equal(r.code, 0, r.stderr);
    ids[p] = /commit (\d{8}_\d{6}(?:_\d+)?)/.exec(r.stderr)![1]!;
  }
});

test("each project's status lists only its own commits", () => {
  assert.deepEqual(statusIds('a'), [ids.a]);
  assert.deepEqual(statusIds('b'), [ids.b]);
  assert.doesNotMatch(cli('a', ['status']).stdout, new RegExp(ids.b));
});

test("Tab offers a project's own commit ids only", () => {
  for (const [p, other] of [
    ['a', 'b'],
    ['b', 'a'],
  ] as const) {
    const r = runCli(['__complete', '2', '--', 'mymlops', 'logs', ''], {
      cwd: repo,
      env: { ...env, MYMLOPS_CONFIG: cfg[p] },
    });
    assert.equal(r.code, 0, r.stderr);
    const offered = r.stdout.split('\n');
    assert.ok(offered.includes(ids[p]), `${p} offers its ${ids[p]}: ${r.stdout}`);
    assert.ok(!offered.includes(ids[other]), `${p} does not offer ${other}'s ${ids[other]}`);
  }
});

test('an older record without its output repository is attributed from job.json and kept', () => {
  const rec = JSON.parse(readFileSync(launchJson(ids.b), 'utf8'));
  delete rec.output_repository;
  writeFileSync(launchJson(ids.b), JSON.stringify(rec));
  assert.deepEqual(statusIds('a'), [ids.a]);
  assert.deepEqual(statusIds('b'), [ids.b]);
  assert.equal(JSON.parse(readFileSync(launchJson(ids.b), 'utf8')).output_repository.url, out.b);
});

test("prune in one project leaves another's old record and snapshot ref alone", () => {
  // An old commit of project b: its record here and its snapshot ref in the shared code repository.
  const old = '20200101_000000';
  mkdirSync(join(home, 'jobs', old), { recursive: true });
  const rec = JSON.parse(readFileSync(launchJson(ids.b), 'utf8'));
  writeFileSync(launchJson(old), JSON.stringify({ ...rec, commit: old, created_at: '2020-01-01T00:00:01Z' }));
  git(origin, 'update-ref', `refs/mymlops/snapshots/${old}`, rec.source_commit);
  const r = cli('a', ['prune', '--dry-run', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout) as { refs: { id: string }[]; records: { id: string }[] };
  assert.deepEqual(
    [...plan.refs, ...plan.records].filter((x) => x.id === old),
    [],
  );
  assert.ok(!statusIds('a').includes(old));
  assert.ok(statusIds('b').includes(old), 'project b still has it');
});
