// The commit use case against real git, up to the launch (a stub backend records the plan): what a
// snapshot leaves out and says so, the size guard before any push, how it differs from the disk,
// and git failures as one line.
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type ComputeBackend, type LaunchPlan, NO_CAPABILITIES } from '../../../src/core/ports/backend.js';
import { appContext } from '../../../src/app/context.js';
import { commitDeps } from '../../../src/app/commit/deps.js';
import { loadConfigFile } from '../../../src/config/load.js';
import { dryRunCommit, startCommit } from '../../../src/core/commit/commit.js';
import { UserError } from '../../../src/errors.js';
import { onePlacement } from '../../helpers/fake-launch.js';
import { bareRepo, git, snapshotRefs } from '../../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-commit-snapshot-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const NOTEBOOK = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] });
const SERVICE_ACCOUNT = JSON.stringify({
  type: 'service_account',
  project_id: 'p',
  private_key_id: 'k',
  private_key: '-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n',
});

let n = 0;
/** A committed repository holding nb.ipynb and a mymlops.yml for a stub backend. */
function setup(extraYaml = '', files: Record<string, string> = {}, outputUrl?: string) {
  const dir = join(tmp, `case-${++n}`);
  const repo = join(dir, 'repo');
  const origin = bareRepo(join(dir, 'origin.git'));
  mkdirSync(repo, { recursive: true });
  git(repo, 'init', '-q', '--initial-branch=main');
  writeFileSync(join(repo, 'nb.ipynb'), NOTEBOOK);
  writeFileSync(
    join(repo, 'mymlops.yml'),
    `backend: local\ncommit:\n  command: run\n  repository:\n    url: ${JSON.stringify(origin)}\n` +
      `  output_repository:\n    url: ${JSON.stringify(outputUrl ?? join(dir, 'out.git'))}\n${extraYaml}`,
  );
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(repo, p, '..'), { recursive: true });
    writeFileSync(join(repo, p), text);
  }
  git(repo, 'add', 'nb.ipynb', 'mymlops.yml');
  git(repo, 'commit', '-q', '-m', 'initial');
  const home = join(dir, 'home');
  const plans: LaunchPlan[] = [];
  const backend: ComputeBackend = {
    kind: 'local',
    ...onePlacement(async (plan) => {
      plans.push(plan);
      return { ok: true, value: { name: plan.machineName, zone: null } as never };
    }),
    list: async () => [],
    readLog: async () => ({ text: '', next: 0, done: true }) as never,
    cancel: async () => {},
    capabilities: NO_CAPABILITIES,
  };
  const warnings: string[] = [];
  const config = () => loadConfigFile(join(repo, 'mymlops.yml'));
  const deps = () => ({
    ...commitDeps(appContext(config(), { home })),
    cwd: repo,
    backend: () => backend,
    warn: (l: string) => warnings.push(l),
  });
  const options = {
    path: 'nb.ipynb',
    notes: null,
    artifacts: false,
    keepMachine: false,
    instance: null,
    sshOptions: [],
  };
  const commit = () => startCommit(config(), options, deps());
  const dryRun = () => dryRunCommit(config(), options, deps());
  return { repo, origin, home, plans, warnings, commit, dryRun };
}

const treeOf = (bare: string, sha: string) => git(bare, 'ls-tree', '-r', '--name-only', sha).split('\n');

/** The rejection of `p`, which must be a UserError whose line is a single line. */
async function userError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UserError, `not a UserError: ${(e as Error).stack}`);
    assert.doesNotMatch(e.line(), /\n/);
    return e.line();
  }
  assert.fail('expected a UserError');
}

describe('commit: what never goes into a snapshot', () => {
  it('leaves out the config .env, an in-repository deploy key and secret-looking files, tracked or not, and names them', async () => {
    const s = setup(
      '    deploy_key: keys/deploy\n  snapshot:\n    include: [config/app.key]\n    exclude: ["scratch/"]\n',
      {
        '.env': 'HF_TOKEN=hf_secret\n',
        'keys/deploy': '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n',
        'certs/server.pem': 'pem',
        'config/app.key': 'kept on purpose',
        'sa.json': SERVICE_ACCOUNT,
        'data.json': '{"type": "service_account"}',
        'scratch/notes.txt': 'mine',
        'src/main.py': 'print(1)',
      },
    );
    // One secret tracked already: it must leave the snapshot too.
    git(s.repo, 'add', 'certs/server.pem');
    git(s.repo, 'commit', '-q', '-m', 'oops');

    const dry = await s.dryRun();
    const left = ['.env', 'certs/server.pem', 'keys/deploy', 'sa.json', 'scratch/notes.txt'];
    assert.deepEqual(
      dry.snapshot.excluded.map((e) => e.path),
      left,
    );
    for (const p of left) assert.ok(!dry.files.includes(p), p);

    const started = await s.commit();
    const tree = treeOf(s.origin, started.sourceCommit);
    for (const p of left) assert.ok(!tree.includes(p), `${p} is in the snapshot`);
    for (const p of ['config/app.key', 'data.json', 'src/main.py', 'nb.ipynb', 'mymlops.yml'])
      assert.ok(tree.includes(p), `${p} is missing`);
    assert.equal(
      s.warnings[0],
      "not in the snapshot: .env (the config's .env), certs/server.pem (looks like a secret), keys/deploy (a deploy key), " +
        'sa.json (looks like a secret), scratch/notes.txt (commit.snapshot.exclude) — list a path in commit.snapshot.include to keep it',
    );
    // The user's own index still tracks the file the snapshot dropped.
    assert.equal(git(s.repo, 'ls-files', 'certs/server.pem'), 'certs/server.pem');
  });
});

describe('commit: size guard', () => {
  it('stops at a 300 MB untracked file before any push or job folder, naming it', async () => {
    const s = setup('', { 'small.txt': 'x' });
    writeFileSync(join(s.repo, 'big.bin'), '');
    truncateSync(join(s.repo, 'big.bin'), 300 * 1024 * 1024); // sparse: no disk used
    const dry = await s.dryRun();
    assert.deepEqual(dry.snapshot.untracked[0], { path: 'big.bin', bytes: 300 * 1024 * 1024 });
    assert.match(dry.snapshot.refusal?.what ?? '', /big\.bin \(300\.0 MB\)/);

    const line = await userError(s.commit());
    assert.match(
      line,
      /^mymlops: the snapshot would add 1 untracked file over commit\.snapshot\.max_file_mb \(50 MB\): big\.bin \(300\.0 MB\) — add them to \.gitignore/,
    );
    assert.deepEqual(snapshotRefs(s.origin), []);
    assert.equal(s.plans.length, 0);
    assert.deepEqual(existsSync(join(s.home, 'jobs')) ? readdirSync(join(s.home, 'jobs')) : [], []);
  });

  it('lets a file over the default limit through once the limits are raised', async () => {
    const s = setup('  snapshot: { max_file_mb: 100, max_total_mb: 100 }\n');
    writeFileSync(join(s.repo, 'mid.bin'), '');
    truncateSync(join(s.repo, 'mid.bin'), 60 * 1024 * 1024);
    const started = await s.commit();
    assert.ok(treeOf(s.origin, started.sourceCommit).includes('mid.bin'));
  });
});

describe('commit: where the snapshot differs from the disk', () => {
  it('warns once per dirty submodule and nested repository (with or without a commit), and still runs', async () => {
    const s = setup();
    const lib = join(tmp, `lib-${n}`);
    mkdirSync(lib);
    git(lib, 'init', '-q', '--initial-branch=main');
    writeFileSync(join(lib, 'util.py'), 'v1');
    git(lib, 'add', '-A');
    git(lib, 'commit', '-q', '-m', 'lib');
    git(s.repo, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'lib');
    git(s.repo, 'commit', '-q', '-m', 'submodule');
    writeFileSync(join(s.repo, 'lib', 'util.py'), 'v2, not committed');
    for (const [name, commit] of [
      ['experiments', true],
      ['empty-repo', false],
    ] as const) {
      const d = join(s.repo, name);
      mkdirSync(d);
      git(d, 'init', '-q');
      writeFileSync(join(d, 'run.py'), 'x');
      if (commit) {
        git(d, 'add', '-A');
        git(d, 'commit', '-q', '-m', 'nested');
      }
    }

    const dry = await s.dryRun();
    assert.equal(dry.snapshot.warnings.length, 3);
    const started = await s.commit();
    const lines = s.warnings.slice(1);
    assert.deepEqual(lines, dry.snapshot.warnings);
    assert.match(
      lines[0]!,
      /^submodule lib has uncommitted changes: they do not run, its committed version does/,
    );
    assert.match(
      lines[1]!,
      /^empty-repo\/ is a separate git repository inside this one: its files are not in the snapshot/,
    );
    assert.match(lines[2]!, /^experiments\/ is a separate git repository/);
    const tree = treeOf(s.origin, started.sourceCommit);
    assert.ok(tree.includes('lib'));
    assert.ok(!tree.some((p) => p.startsWith('experiments') || p.startsWith('empty-repo')), tree.join(' '));
  });
});

describe('commit: git failures are one line', () => {
  it('a git-lfs filter without git-lfs installed', async () => {
    const s = setup();
    git(s.repo, 'config', 'filter.lfs.process', 'git-lfs filter-process');
    git(s.repo, 'config', 'filter.lfs.required', 'true');
    writeFileSync(join(s.repo, '.gitattributes'), '*.bin filter=lfs diff=lfs merge=lfs -text\n');
    writeFileSync(join(s.repo, 'weights.bin'), 'w');
    const line = await userError(s.commit());
    assert.match(
      line,
      /uses git-lfs \(filter=lfs in \.gitattributes\) but git-lfs is not installed — install git-lfs/,
    );
    assert.deepEqual(snapshotRefs(s.origin), []);
  });

  it('a corrupt .git/index', async () => {
    const s = setup();
    writeFileSync(join(s.repo, '.git', 'index'), 'DIRC garbage that is not an index');
    const line = await userError(s.commit());
    assert.match(
      line,
      /^mymlops: the git index of .* is corrupt \(.+\) — rebuild it: rm \.git\/index && git reset/,
    );
  });

  it('a nested repository with no commit inside an untracked folder is left out, not a failure', async () => {
    const s = setup();
    const d = join(s.repo, 'work', 'clone');
    mkdirSync(d, { recursive: true });
    git(d, 'init', '-q');
    writeFileSync(join(d, 'a.py'), 'x');
    writeFileSync(join(s.repo, 'work', 'notes.md'), 'kept');
    const started = await s.commit();
    const tree = treeOf(s.origin, started.sourceCommit);
    assert.ok(tree.includes('work/notes.md'));
    assert.ok(!tree.some((p) => p.startsWith('work/clone')));
    assert.match(s.warnings.at(-1)!, /^work\/clone\/ is a separate git repository/);
  });
});

describe('commit: credentials in URLs', () => {
  it('keeps a token in a repository URL out of the launch record', async () => {
    const s = setup('', {}, 'https://alice:S3cr3tT0ken@example.invalid/out.git');
    const started = await s.commit();
    const record = readFileSync(join(s.home, 'jobs', started.commitId, 'launch.json'), 'utf8');
    assert.match(record, /"url": "https:\/\/example\.invalid\/out\.git"/);
    assert.doesNotMatch(record, /S3cr3tT0ken/);
  });
});
