// Configs that used to crash, hang or mislead: each gives one line naming the cause and exits 2, or
// loads. (The conformance test under test/integration/config holds the values to the original's.)
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfigReport } from '../../../src/config/load.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-config-limits-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function load(yml: string, env?: string) {
  const dir = join(tmp, String(n++));
  mkdirSync(dir);
  writeFileSync(join(dir, 'mymlops.yml'), yml);
  if (env !== undefined) writeFileSync(join(dir, '.env'), env);
  return loadConfigReport(join(dir, 'mymlops.yml'), { cwd: dir, env: {} });
}
function refusal(yml: string, env?: string): string {
  try {
    load(yml, env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a config error, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    assert.equal(e.problems.length, 1, e.problems.join('\n'));
    assert.doesNotMatch(e.line(), /\n/);
    for (const d of e.details) assert.ok(d.length < 120, `an excerpt line is short: ${d.length}`);
    return e.problems[0]!;
  }
  assert.fail('expected a config error');
}

const LOCAL = 'backend: local\n';
const commit = (extra: string) =>
  `${LOCAL}commit:\n  command: papermill\n  repository: { url: /r }\n  output_repository: { url: /o }\n${extra}`;

describe('config: limits and odd YAML give one line', () => {
  it('a 3,000-deep flow sequence (no stack overflow)', () => {
    const line = refusal(`a: ${'['.repeat(3000)}${']'.repeat(3000)}\n`);
    assert.match(line, /^mymlops\.yml:1:\d+: invalid YAML: nested more than 64 levels deep/);
  });

  it('a 100-deep flow sequence the parser reads', () => {
    assert.match(refusal(`a: ${'['.repeat(100)}${']'.repeat(100)}\n`), /nested more than 64 levels deep/);
  });

  it('an undefined alias says so', () => {
    assert.match(
      refusal(commit('  progress_interval: *every\n')),
      /^mymlops\.yml:6:22: invalid YAML: alias \*every names no anchor defined above it/,
    );
  });

  it('a complex key is one line and no raw Node warning', () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      assert.match(
        refusal(`${LOCAL}? [a, b]\n: c\n`),
        /^mymlops\.yml:2:3: \(top level\) has a key that is a mapping or a list/,
      );
      assert.match(
        refusal(`${LOCAL}x: &k {a: 1}\ndashboard:\n  *k : 1\n`),
        /dashboard has a key that is a mapping/,
      );
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, []);
  });

  it('progress_interval: .inf is refused', () => {
    assert.match(refusal(commit('  progress_interval: .inf\n')), /commit\.progress_interval must be ≤ 86400/);
  });

  it('prune_after_days: 1e400 is refused (a string in YAML 1.1), and 1.0e+400 (infinite) too', () => {
    assert.match(
      refusal(commit('  prune_after_days: 1e400\n')),
      /commit\.prune_after_days must be an integer/,
    );
    assert.match(
      refusal(commit('  prune_after_days: 1.0e+400\n')),
      /commit\.prune_after_days must be ≤ 36500/,
    );
  });

  it('a 10 MB config with 100,000 links loads (the duplicate-key check is linear)', () => {
    const links = Array.from(
      { length: 100_000 },
      (_, i) => `    l${i}: https://example.com/${'p'.repeat(60)}/${i}\n`,
    );
    const r = load(`${LOCAL}dashboard:\n  links:\n${links.join('')}    l5: https://example.com/last\n`);
    assert.equal(Object.keys(r.config.dashboard.links).length, 100_000);
    assert.equal(r.config.dashboard.links['l5'], 'https://example.com/last');
    assert.equal(r.warnings.length, 1);
    assert.match(
      r.warnings[0]!,
      /^mymlops\.yml:100004:5: dashboard\.links\.l5 is set twice; the last one is used/,
    );
  });

  it('of many problems or keys set twice, the first 50 are listed and the rest counted', () => {
    const keys = Array.from({ length: 60 }, (_, i) => `    l${i}: text${i}\n`).join('');
    const r = load(`${LOCAL}dashboard:\n  links:\n${keys}${keys}`);
    const twice = r.warnings.filter((w) => w.includes('is set twice'));
    const notLinks = r.warnings.filter((w) => w.includes('is not an http(s) URL'));
    assert.equal(twice.length, 50);
    assert.equal(notLinks.length, 50);
    assert.ok(r.warnings.includes('mymlops.yml: … and 10 more keys set twice'), r.warnings.join('\n'));
    assert.ok(r.warnings.includes('mymlops.yml: … and 10 more problems'), r.warnings.join('\n'));
    assert.equal(r.warnings.length, 102);
  });
});

describe('config: .env and YAML read as the original read them', () => {
  it('a .env with a UTF-8 byte order mark works', () => {
    const r = load(commit('').replace('/r', '/$DIR/r'), '\ufeffDIR=srv\n');
    assert.equal(r.config.commit?.repository.url, '/srv/r');
  });

  it('${VAR}, ${VAR:-default} and \\" in .env values', () => {
    const env = 'ROOT=/srv\nDIR=${ROOT}/code\nOUT=${MISSING:-/data}/out\nCMD="python3 \\"run.py\\""\n';
    const r = load(commit('').replace('/r', '$DIR').replace('/o', '$OUT').replace('papermill', '$CMD'), env);
    assert.equal(r.config.commit?.repository.url, '/srv/code');
    assert.equal(r.config.commit?.output_repository.url, '/data/out');
    assert.equal(r.config.commit?.command, 'python3 "run.py"');
  });

  it('a placeholder standing for a number is that number', () => {
    const r = load(
      `${LOCAL}dashboard:\n  tunnel:\n    local_port_min: $PORT\n    remote_ports: [$JPORT]\n`,
      'PORT=8100\nJPORT=8888\n',
    );
    assert.deepEqual(r.config.dashboard.tunnel, { local_port_min: 8100, remote_ports: [8888] });
  });

  it('YAML 1.1 numbers and merge keys', () => {
    const r = load(
      [
        commit('  instance: &i {zone_regex: us-.*, machine_type: n1-standard-8, snapshot: s}\n'),
        'start:\n  command: jupyter\n  repository: { url: /r }\n  instance:\n    <<: *i\n    machine_type: n1-standard-4\n',
        'dashboard:\n  tunnel:\n    local_port_min: 017777\n    remote_ports: [18_000, 5:00:00]\n',
      ].join(''),
    );
    assert.equal(r.config.start?.instance?.zone_regex, 'us-.*');
    assert.equal(r.config.start?.instance?.machine_type, 'n1-standard-4');
    assert.deepEqual(r.config.dashboard.tunnel, { local_port_min: 8191, remote_ports: [18000] });
    assert.match(r.warnings.join('\n'), /remote_ports lists port 18000 twice; one tunnel serves it/);
  });
});
