// Config behaviours that keep an original setup working and refuse configs that lose work:
// the original's placeholders, one YAML error with a caret, git's branch-name rules, an output
// repository that is the code repository, durations that are not finite, redaction by name.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { ConfigError, findConfig, loadConfigReport } from '../../../src/config/load.js';
import { redact } from '../../../src/util/log.js';

const fixture = join(import.meta.dirname, '..', '..', 'fixtures', 'original-config');
const base = readFileSync(join(fixture, 'mymlops.yml'), 'utf8');
const baseEnv = readFileSync(join(fixture, '.env'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'mymlops-config-rules-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function write(yaml: string, env = baseEnv): string {
  const dir = join(tmp, String(n++));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'mymlops.yml'), yaml);
  if (env !== '') writeFileSync(join(dir, '.env'), env);
  return dir;
}
function load(yaml: string, env = baseEnv) {
  const dir = write(yaml, env);
  return loadConfigReport(join(dir, 'mymlops.yml'), { cwd: dir, env: {} });
}
function problems(yaml: string, env = baseEnv): ConfigError {
  try {
    load(yaml, env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    return e;
  }
  assert.fail('expected a config error');
}

const local = (commit = '', rest = '') => `backend: local
commit:
  command: run
  repository: { url: /srv/repo.git }
  output_repository: { url: /srv/out.git }
${commit}${rest}`;

describe('config: the original placeholders in a real config', () => {
  it('`$NAME` works as `${NAME}` did, and `$$` is a literal `$`', () => {
    const yaml = base
      .replace(
        'git@github.com:${GITHUB_USER}/mymlops-testrepo.git',
        'git@github.com:$GITHUB_USER/mymlops-testrepo.git',
      )
      .replace('deploy_key: ${DEPLOY_KEY_PATH}', 'deploy_key: $DEPLOY_KEY_PATH')
      .replace(
        'command: docker compose run --rm notebook papermill',
        () => 'command: echo $$HOME && papermill',
      );
    const { config, warnings } = load(yaml);
    assert.equal(config.commit?.repository.url, 'git@github.com:example-user/mymlops-testrepo.git');
    assert.match(config.commit?.repository.deploy_key ?? '', /\/\.ssh\/mymlops_repo_key$/);
    assert.equal(config.commit?.command, 'echo $HOME && papermill');
    assert.deepEqual(warnings, [], 'a shell variable in a command is no mistake');
  });

  it('a missing `$NAME` names it, the file and the line', () => {
    const e = problems(base.replace('snapshot: ${SNAPSHOT_NAME}', 'snapshot: $SNAP'));
    assert.equal(e.problems.length, 1);
    assert.match(
      e.problems[0]!,
      /^mymlops\.yml:7:15: \$SNAP is not set — add SNAP=\.\.\. to \.env or the environment$/,
    );
  });

  it('a `$` that starts no placeholder is an error, as in the original', () => {
    const e = problems(
      local('  max_duration: 1h\n', 'start:\n  command: awk "{print $1}"\n  repository: { url: /r }\n'),
    );
    assert.match(
      e.problems[0]!,
      /^mymlops\.yml:8:12: invalid placeholder `\$1}"?` — write `\$\$` for a literal `\$`/,
    );
  });

  it('validate warns about `$$NAME` where a value is expected', () => {
    const { warnings } = load(
      base.replace('deploy_key: ${DEPLOY_KEY_PATH}', () => 'deploy_key: $$DEPLOY_KEY_PATH'),
    );
    assert.deepEqual(warnings, [
      'mymlops.yml:11:17: commit.repository.deploy_key holds `$$DEPLOY_KEY_PATH`, a literal `$DEPLOY_KEY_PATH` after substitution — write `$DEPLOY_KEY_PATH` to use the value from .env',
    ]);
  });
});

describe('config: YAML errors', () => {
  it('`commit: [` is one error at the bracket, with the line and a caret', () => {
    const e = problems(base.replace('commit:\n', 'commit: [\n'));
    assert.deepEqual(e.problems, [
      'mymlops.yml:2:9: invalid YAML: `[` is never closed with `]` — fix the YAML syntax',
    ]);
    assert.deepEqual(e.details, ['  commit: [', '          ^']);
  });

  it('another syntax error: the first one only', () => {
    const e = problems('backend: local\ncommit:\n  command: "unclosed\n  other: 1\n');
    assert.equal(e.problems.length, 1);
    assert.match(e.problems[0]!, /^mymlops\.yml:\d+:\d+: invalid YAML: /);
    assert.equal(e.details.length, 2);
  });

  it('an alias bomb is refused in one line', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [prev, cur] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
    ])
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    const e = problems(`${levels.join('\n')}\n`);
    assert.deepEqual(e.problems, [
      'mymlops.yml: too many YAML aliases (more than 100 expansions) — write the values out instead of nesting aliases',
    ]);
  });
});

describe('config: branch names git refuses', () => {
  const refused = [
    '../../x',
    'master:refs/heads/evil',
    '--force',
    '-x',
    'a..b',
    'a~1',
    'a^',
    'a?',
    'a*',
    'a[b',
    'a\\b',
    'a b',
    'a\tb',
    'a\x1bb',
    'x.lock',
    'x/y.lock',
    'x/',
    '/x',
    'a//b',
    'x.',
    '.x',
    'a/.b',
    'a@{1}',
    '@',
  ];
  for (const branch of refused)
    it(`refuses ${JSON.stringify(branch)}`, () => {
      const e = problems(
        local(`  max_duration: 1h\n`).replace(
          '{ url: /srv/out.git }',
          `{ url: /srv/out.git, branch: ${JSON.stringify(branch)} }`,
        ),
      );
      assert.equal(e.problems.length, 1, e.problems.join('\n'));
      assert.match(
        e.problems[0]!,
        /^mymlops\.yml:5:\d+: commit\.output_repository\.branch is not a branch name git accepts: it /,
      );
    });
  for (const branch of ['main', 'feature/x-1', 'release-1.0', 'a@b', 'results/2024', 'ü-branch'])
    it(`accepts ${JSON.stringify(branch)}`, () => {
      const { config } = load(
        local().replace('{ url: /srv/out.git }', `{ url: /srv/out.git, branch: ${JSON.stringify(branch)} }`),
      );
      assert.equal(config.commit?.output_repository.branch, branch);
    });
});

describe('config: the output repository is not the code repository on the same branch', () => {
  const same: [string, string][] = [
    ['git@github.com:me/repo.git', 'git@github.com:me/repo'],
    ['git@github.com:me/repo.git', 'ssh://git@github.com/me/repo.git'],
    ['git@github.com:me/repo.git', 'ssh://git@GitHub.com:22/me/repo/'],
    ['https://github.com/me/repo.git', 'https://user:tok@github.com/me/repo'],
    ['/srv/repo.git', 'file:///srv/repo.git'],
    ['/srv/repo', '/srv/repo/'],
  ];
  for (const [a, b] of same)
    it(`refuses ${a} and ${b}`, () => {
      const e = problems(
        `backend: local\ncommit:\n  command: run\n  repository: { url: "${a}" }\n  output_repository: { url: "${b}" }\n`,
      );
      assert.equal(e.problems.length, 1, e.problems.join('\n'));
      assert.match(
        e.problems[0]!,
        /^mymlops\.yml:5:3: commit\.output_repository is the code repository on the same branch \(master\)/,
      );
    });
  const different: [string, string, string?][] = [
    ['git@github.com:me/repo.git', 'git@github.com:me/repo-output.git'],
    ['git@github.com:me/repo.git', 'git@gitlab.com:me/repo.git'],
    ['ssh://git@host:2222/me/repo', 'ssh://git@host/me/repo'],
    ['/srv/repo.git', '/srv/repo.git', 'results'],
  ];
  for (const [a, b, branch] of different)
    it(`accepts ${a} and ${b}${branch ? ` on ${branch}` : ''}`, () => {
      const { config } = load(
        `backend: local\ncommit:\n  command: run\n  repository: { url: "${a}" }\n  output_repository: { url: "${b}"${branch ? `, branch: ${branch}` : ''} }\n`,
      );
      assert.equal(config.commit?.output_repository.url, b);
    });
});

describe('config: durations must be finite', () => {
  for (const v of ['1e400', '"9999999999999999999999999999999999999999999999999999s"', '1.5'])
    it(`refuses max_duration: ${v}`, () => {
      const e = problems(local(`  max_duration: ${v}\n`));
      assert.equal(e.problems.length, 1, e.problems.join('\n'));
      assert.match(e.problems[0]!, /^mymlops\.yml:6:3: commit\.max_duration must be /);
    });
  it('refuses an idle timeout of 1e400', () => {
    const e = problems(
      local('', 'start:\n  command: x\n  repository: { url: /r }\n  idle_shutdown: { timeout: 1e400 }\n'),
    );
    assert.equal(e.problems.length, 1, e.problems.join('\n'));
    assert.match(e.problems[0]!, /start\.idle_shutdown\.timeout must be /);
  });
  const deleteAfter = (v: string) =>
    problems(
      local('', `start:\n  command: x\n  repository: { url: /r }\n  idle_shutdown: { delete_after: ${v} }\n`),
    );
  it('refuses delete_after: 1e400 (a string in YAML 1.1, as PyYAML reads it)', () => {
    const e = deleteAfter('1e400');
    assert.equal(e.problems.length, 1, e.problems.join('\n'));
    assert.match(e.problems[0]!, /start\.idle_shutdown\.delete_after must be seconds or a duration/);
  });
  it('refuses delete_after: 1.0e+400 (infinite)', () => {
    const e = deleteAfter('1.0e+400');
    assert.equal(e.problems.length, 1, e.problems.join('\n'));
    assert.match(e.problems[0]!, /start\.idle_shutdown\.delete_after must be ≤ 315360000/);
  });
  it('refuses a negative delete_after', () => {
    assert.match(deleteAfter('-3').problems[0]!, /start\.idle_shutdown\.delete_after must be ≥ 0/);
  });
});

describe('config: redaction by meaning', () => {
  const env = `${baseEnv}HF_TOKEN=hf_abcdefgh12345\nPROJECT_ID=my-project-42\nTEAM_NAME=team-secret-name\n`;
  it('secret-looking names are redacted, others print as written', () => {
    load(
      `${base.replace('kaggle: https://www.kaggle.com/competitions', 'kaggle: https://www.kaggle.com/${HF_TOKEN}')}`,
      env,
    );
    assert.equal(
      redact('https://github.com/example-user/mymlops-testrepo'),
      'https://github.com/example-user/mymlops-testrepo',
    );
    assert.equal(redact('token hf_abcdefgh12345 here'), 'token *** here');
    assert.equal(redact('project my-project-42'), 'project my-project-42');
  });
  it('dashboard.redact adds names', () => {
    assert.equal(redact('team-secret-name'), 'team-secret-name');
    load(base.replace('dashboard:\n', 'dashboard:\n  redact: [TEAM_NAME]\n'), env);
    assert.equal(redact('by team-secret-name'), 'by ***');
  });
});

describe('config: found in the nearest parent up to the repository root', () => {
  it('from a sub-folder of the repository', () => {
    const repo = write(local(), '');
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'a', 'b'), { recursive: true });
    assert.equal(findConfig({ cwd: join(repo, 'a', 'b'), env: {} }), join(repo, 'mymlops.yml'));
  });
  it('not beyond the repository root', () => {
    const outer = write(local(), '');
    const repo = join(outer, 'inner');
    mkdirSync(join(repo, '.git'), { recursive: true });
    assert.throws(() => findConfig({ cwd: repo, env: {} }), /: no mymlops\.yml in \S*inner$/);
  });
  it('the nearest one wins', () => {
    const repo = write(local(), '');
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'sub'));
    writeFileSync(join(repo, 'sub', 'mymlops.yml'), local());
    assert.equal(findConfig({ cwd: join(repo, 'sub'), env: {} }), join(repo, 'sub', 'mymlops.yml'));
  });
});

describe('config: the boot source is instance.snapshot or instance.image, exactly one', () => {
  const IMG = 'projects/deeplearning-platform-release/global/images/family/pytorch-latest-gpu';
  const withCommitInstance = (line: string) =>
    base.replace('    snapshot: ${SNAPSHOT_NAME}\n    accelerator', `${line}    accelerator`);
  it('an image instead of the snapshot', () => {
    const { config } = load(withCommitInstance(`    image: ${IMG}\n`));
    assert.equal(config.commit?.instance?.image, IMG);
    assert.equal(config.commit?.instance?.snapshot, null);
  });
  it('the original snapshot config is unchanged', () => {
    const { config } = load(base);
    assert.equal(config.commit?.instance?.image, null);
    assert.ok(config.commit?.instance?.snapshot);
  });
  const refused: [string, string, RegExp][] = [
    ['neither', '', /commit\.instance\.snapshot or instance\.image is required/],
    [
      'both',
      `    snapshot: s\n    image: ${IMG}\n`,
      /commit\.instance\.image and instance\.snapshot are both set/,
    ],
  ];
  for (const [what, line, message] of refused)
    it(`refuses ${what}`, () => assert.match(problems(withCommitInstance(line)).message, message));
});

describe('config: commit.artifact_store', () => {
  it('a folder path (relative to the config) or a file:// URL becomes a file URL; min_mb defaults to 45', () => {
    const dir = write(local('  artifact_store: stores/a/\n'), '');
    const c = loadConfigReport(join(dir, 'mymlops.yml'), { cwd: dir, env: {} }).config;
    assert.deepEqual(c.commit?.artifact_store, {
      url: pathToFileURL(join(dir, 'stores', 'a')).href,
      min_mb: 45,
    });
    const u = load(local('  artifact_store: {url: "file:///srv/my%20store", min_mb: 1.5}\n'), '').config;
    assert.deepEqual(u.commit?.artifact_store, { url: 'file:///srv/my%20store', min_mb: 1.5 });
  });

  it('a folder on gce, gs:// on local and other URLs are refused, naming the key', () => {
    const ok = load(base.replace('commit:\n', 'commit:\n  artifact_store: gs://my-bucket/runs/\n')).config;
    assert.deepEqual(ok.commit?.artifact_store, { url: 'gs://my-bucket/runs', min_mb: 45 });
    const s3 = problems(local('  artifact_store: s3://bucket/prefix\n'), '');
    assert.match(
      s3.problems[0]!,
      /commit\.artifact_store must be a folder path, a file:\/\/ URL \(local backend\) or gs:\/\/bucket\/prefix \(gce\)/,
    );
    const e = problems(local('  artifact_store: gs://bucket/prefix\n'), '');
    assert.equal(e.problems.length, 1);
    assert.match(
      e.problems[0]!,
      /commit\.artifact_store is a gs:\/\/ bucket, which this version writes from gce VMs only/,
    );
    const g = problems(base.replace('commit:\n', 'commit:\n  artifact_store: /srv/store\n'));
    assert.ok(
      g.problems.some((p) => /commit\.artifact_store .*only the local backend/.test(p)),
      g.problems.join('\n'),
    );
  });
});
