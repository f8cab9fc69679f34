import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfigFile } from '../../../src/config/load.js';
import { UserError } from '../../../src/errors.js';

const fixture = join(import.meta.dirname, '..', '..', 'fixtures', 'original-config');
const tmp = mkdtempSync(join(tmpdir(), 'mymlops-config-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const base = readFileSync(join(fixture, 'mymlops.yml'), 'utf8');
const baseEnv = readFileSync(join(fixture, '.env'), 'utf8');
const SECRET = 'super-secret-value-4711';

const local = (extra = '') => `backend: local
commit:
  command: run
  repository: { url: /srv/repo.git }
  output_repository: { url: /srv/out.git }
${extra}`;

let n = 0;
function load(yaml: string, env = baseEnv, processEnv: NodeJS.ProcessEnv = {}) {
  const dir = join(tmp, String(n++));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'mymlops.yml'), yaml);
  if (env !== '') writeFileSync(join(dir, '.env'), env);
  return loadConfigFile(join(dir, 'mymlops.yml'), { cwd: dir, env: processEnv });
}

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('config: the original example', () => {
  it('loads unchanged with its .env and the original defaults', () => {
    const c = load(base);
    assert.equal(c.backend, 'gce');
    assert.equal(c.commit?.repository.branch, 'main');
    assert.equal(c.commit?.output_repository.branch, 'master', 'branch defaults to master');
    assert.equal(c.commit?.instance?.snapshot, 'ml-gpu-base-20241101');
    assert.equal(c.commit?.instance?.disk_size_gb, 100);
    assert.equal(c.commit?.instance?.disk_type, 'pd-ssd');
    assert.equal(c.commit?.instance?.spot, true);
    assert.equal(c.start?.instance?.spot, true);
    assert.equal(c.commit?.progress_interval, 60);
    assert.equal(c.commit?.max_duration, 86400);
    assert.equal(c.start?.idle_shutdown.timeout, 3600);
    assert.equal(c.start?.idle_shutdown.action, 'stop');
    assert.equal(c.start?.idle_shutdown.delete_after, null, 'never deleted unless asked');
    assert.match(c.commit?.repository.deploy_key ?? '', /\/\.ssh\/mymlops_repo_key$/);
    assert.deepEqual(c.dashboard.tunnel?.remote_ports, [8888, 6006]);
  });

  it('takes a placeholder from the process environment when .env lacks it', () => {
    const env = baseEnv.replace(/^GITHUB_USER=.*$/m, '');
    const c = load(base, env, { GITHUB_USER: 'from-env' });
    assert.equal(c.commit?.repository.url, 'git@github.com:from-env/mymlops-testrepo.git');
  });

  it('parses new keys: durations, retry, idle shutdown', () => {
    const c = load(
      local(`  max_duration: 90m
  progress_interval: 0
  retry: { preempted: 2 }
start:
  command: jupyter lab
  repository: { url: /srv/repo.git }
  idle_shutdown: { timeout: 2h, action: delete, jupyter_port: 8888, delete_after: 7d }`).replace(
        '  command: run\n',
        '  command: run\n',
      ),
    );
    assert.equal(c.backend, 'local');
    assert.equal(c.commit?.max_duration, 5400);
    assert.equal(c.commit?.progress_interval, 0);
    assert.equal(c.commit?.retry.preempted, 2);
    assert.equal(c.start?.idle_shutdown.timeout, 7200);
    assert.equal(c.start?.idle_shutdown.jupyter_port, 8888);
    assert.equal(c.start?.idle_shutdown.delete_after, 7 * 86400);
  });
});

// Each bad config gives one line naming file:line:col, the key and the expected shape.
const bad: { name: string; yaml: string; env?: string; want: RegExp; count?: number }[] = [
  {
    name: 'bad YAML',
    yaml: 'commit:\n  command: [unclosed\n',
    want: /^mymlops\.yml:\d+:\d+: invalid YAML: .+ — fix the YAML syntax$/,
  },
  { name: 'top level is a list', yaml: '- a\n- b\n', want: /^mymlops\.yml:1:1: must be a YAML mapping/ },
  {
    name: 'missing required key',
    yaml: base.replace('  command: docker compose run --rm notebook papermill\n', ''),
    want: /^mymlops\.yml:2:1: commit\.command is required — fix it in mymlops\.yml$/,
  },
  {
    name: 'unknown top-level key',
    yaml: `${base}extra: 1\n`,
    want: /^mymlops\.yml:\d+:1: extra unknown key \(remove it or check its spelling\)$/,
  },
  {
    name: 'unknown nested key',
    yaml: base.replace(
      '    zone_regex: (us|europe)-.*',
      '    zone_regex: (us|europe)-.*\n    zone: us-central1-a',
    ),
    want: /^mymlops\.yml:6:5: commit\.instance\.zone unknown key/,
  },
  {
    name: 'wrong type',
    yaml: base.replace('    zone_regex: (us|europe)-.*', '    zone_regex: [us]'),
    want: /^mymlops\.yml:5:5: commit\.instance\.zone_regex must be a string — fix it in mymlops\.yml$/,
  },
  {
    name: 'missing .env name',
    yaml: base,
    env: baseEnv.replace(/^SNAPSHOT_NAME=.*$/m, ''),
    count: 2, // used in commit.instance and start.instance: both places are named
    want: /^mymlops\.yml:7:15: \$SNAPSHOT_NAME is not set — add SNAPSHOT_NAME=\.\.\. to \.env or the environment$/,
  },
  {
    name: 'bad repository URI',
    yaml: base.replace('git@github.com:${GITHUB_USER}/mymlops-testrepo-output.git', 'not a url'),
    want: /^mymlops\.yml:14:5: commit\.output_repository\.url must be a git URL/,
  },
  {
    name: 'empty remote_ports',
    yaml: base.replace(/remote_ports:\n(\s+- \d+\n)+/, 'remote_ports: []\n'),
    want: /^mymlops\.yml:\d+:5: dashboard\.tunnel\.remote_ports must have at least 1 item\(s\)/,
  },
  {
    name: 'remote port out of range',
    yaml: base.replace('      - 6006', '      - 70000'),
    want: /^mymlops\.yml:33:9: dashboard\.tunnel\.remote_ports\.1 must be ≤ 65535/,
  },
  {
    name: 'unknown backend',
    yaml: `backend: aws\n`,
    want: /^mymlops\.yml:1:1: backend must be one of gce, local/,
  },
  {
    name: 'bad duration',
    yaml: local('  max_duration: forever\n'),
    want: /^mymlops\.yml:\d+:3: commit\.max_duration must be seconds or a duration such as 90s, 45m, 24h/,
  },
  {
    name: 'negative progress interval',
    yaml: local('  progress_interval: -5\n'),
    want: /^mymlops\.yml:\d+:3: commit\.progress_interval must be ≥ 0/,
  },
  {
    name: 'invalid zone regex',
    yaml: base.replace('(us|europe)-.*', '"(us|europe"'),
    want: /^mymlops\.yml:5:5: commit\.instance\.zone_regex cannot be used: it is not a valid regular expression — /,
  },
  {
    name: 'gce without instance',
    yaml: base.replace(/ {2}instance:\n {4}zone_regex: \(us[\s\S]*?accelerator: nvidia-tesla-t4\n/, ''),
    want: /^mymlops\.yml:2:1: commit\.instance is required on the gce backend/,
  },
  {
    name: 'ssh URL without deploy key on gce',
    yaml: base.replace('    deploy_key: ${OUTPUT_DEPLOY_KEY_PATH}\n', ''),
    want: /commit\.output_repository\.deploy_key is required for an ssh URL on the gce backend/,
  },
  {
    name: 'idle action not allowed',
    yaml: local('start:\n  command: x\n  repository: { url: /r }\n  idle_shutdown: { action: hibernate }\n'),
    want: /start\.idle_shutdown\.action must be one of stop, delete/,
  },
];

describe('config: bad configs give one precise line each', () => {
  for (const c of bad) {
    it(c.name, () => {
      const e = errorOf(() => load(c.yaml, c.env ?? baseEnv));
      const lines = e instanceof ConfigError ? e.problems : [e.message];
      assert.equal(e.exitCode, 2, 'a config error exits 2');
      assert.equal(lines.length, c.count ?? 1, `problems found:\n${lines.join('\n')}`);
      assert.match(e.line(), /^mymlops: /);
      assert.doesNotMatch(e.line(), /\n/);
      assert.match(lines[0]!, c.want);
    });
  }

  it('reports every problem at once', () => {
    const e = errorOf(() => load(local('  progress_interval: -1\n  bogus: 1\n')));
    assert.equal(e.details.length, 2);
    assert.match(e.message, /2 problems/);
  });

  it('never echoes a value from .env', () => {
    const yaml = base
      .replace('    snapshot: ${SNAPSHOT_NAME}', '    snapshot: ${SNAPSHOT_NAME}')
      .replace('machine_type: n1-standard-8', 'machine_type: ${SECRET_TYPE}');
    const e = errorOf(() => load(yaml, `${baseEnv}SECRET_TYPE=${SECRET} with spaces\n`));
    assert.match(e.line(), /commit\.instance\.machine_type must be a machine type name/);
    assert.ok(!e.line().includes(SECRET));
  });

  it('substituted values cannot inject YAML structure (the original could not read this file at all)', () => {
    const c = load(base, `${baseEnv.replace(/^SNAPSHOT_NAME=.*$/m, 'SNAPSHOT_NAME="x\\nbackend: local"')}`);
    assert.equal(c.backend, 'gce');
    assert.equal(c.commit?.instance?.snapshot, 'x\nbackend: local');
  });

  it('a value the original read otherwise once pasted into the text is refused, never read differently', () => {
    const e = errorOf(() =>
      load(base, `${baseEnv.replace(/^SNAPSHOT_NAME=.*$/m, 'SNAPSHOT_NAME="snap #1"')}`),
    );
    assert.match(
      e.line(),
      /^mymlops: mymlops\.yml:7:5: commit\.instance\.snapshot reads differently once a value from \.env is pasted/,
    );
    assert.ok(!e.line().includes('snap #1'));
  });
});
