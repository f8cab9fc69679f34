// Odd configs and parameters as a user meets them through the built CLI: each ends with one line
// naming the cause and exit 2 — never a stack trace, a V8 abort or a raw Node warning.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-odd-config-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function validate(yml: string, env?: string) {
  const dir = join(tmp, String(n++));
  mkdirSync(dir);
  writeFileSync(join(dir, 'mymlops.yml'), yml);
  if (env !== undefined) writeFileSync(join(dir, '.env'), env);
  return runCli(['validate'], { cwd: dir, env: { MYMLOPS_HOME: join(tmp, 'home') } });
}
function oneLine(r: { code: number; stdout: string; stderr: string }, want: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[0]!, want);
  assert.doesNotMatch(r.stderr, /Warning|RangeError|at .*\.cjs|FATAL/);
}

const LOCAL = 'backend: local\n';
const commit = (extra = '') =>
  `${LOCAL}commit:\n  command: papermill\n  repository: { url: /r }\n  output_repository: { url: /o }\n${extra}`;

describe('validate: odd YAML is one line and exit 2', () => {
  it('a 3,000-deep flow sequence', () => {
    oneLine(
      validate(`a: ${'['.repeat(3000)}${']'.repeat(3000)}\n`),
      /^mymlops: mymlops\.yml:1:\d+: invalid YAML: nested more than 64 levels deep/,
    );
  });
  it('an undefined alias', () => {
    oneLine(
      validate(commit('  progress_interval: *every\n')),
      /alias \*every names no anchor defined above it/,
    );
  });
  it('a complex key', () => {
    oneLine(validate(`${LOCAL}? [a, b]\n: c\n`), /has a key that is a mapping or a list/);
  });
  it('progress_interval: .inf and prune_after_days: 1e400', () => {
    oneLine(validate(commit('  progress_interval: .inf\n')), /commit\.progress_interval must be ≤ 86400/);
    oneLine(validate(commit('  prune_after_days: 1e400\n')), /commit\.prune_after_days must be an integer/);
  });
});

describe('validate: what the original accepted loads, with warnings where it likely misleads', () => {
  it('a .env with a byte order mark, links that are not http(s), a low port listed twice', () => {
    const yml = `${commit().replace('/r', '/$DIR/r')}dashboard:\n  links:\n    lab: localhost:8888/lab\n    notes: /notes\n  tunnel:\n    local_port_min: $PORT\n    remote_ports: [8888, 8888]\n`;
    const r = validate(yml, '\ufeffDIR=srv\nPORT=80\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ok\n');
    const warnings = r.stderr.trim().split('\n');
    assert.equal(warnings.length, 3, r.stderr);
    assert.match(r.stderr, /dashboard\.links\.lab is not an http\(s\) URL or a \/path/);
    assert.match(r.stderr, /local_port_min is under 1024/);
    assert.match(r.stderr, /remote_ports lists port 8888 twice/);
  });
});

describe('commit -p/-f: odd parameters are one line and exit 2', () => {
  it('-p a=[[[…]]] 8,000 deep', () => {
    const dir = join(tmp, 'p');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'mymlops.yml'), commit());
    const r = runCli(['commit', 'nb.ipynb', '--dry-run', '-p', `a=${'['.repeat(8000)}${']'.repeat(8000)}`], {
      cwd: dir,
      env: { MYMLOPS_HOME: join(tmp, 'home') },
    });
    oneLine(r, /-p a: the value nests more than 64 levels deep/);
  });
});
