// bin/mymlops.cjs runs the bundle through a V8 code cache kept per command under MYMLOPS_HOME:
// a missing, corrupt or stale cache must never change what the CLI does, only how fast it starts.
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-code-cache-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const CONFIG = join(ROOT, 'test/fixtures/original-config/mymlops.yml');

function homeFor(name: string): { home: string; dir: string } {
  const home = join(tmp, name);
  return { home, dir: join(home, 'cache', 'code') };
}

describe('the code cache of bin/mymlops.cjs', () => {
  it('is written per command after a run, then used as it is', () => {
    const { home, dir } = homeFor('fresh');
    const first = runCli(['validate', '--config', CONFIG], { env: { MYMLOPS_HOME: home } });
    assert.equal(first.stdout, 'ok\n');
    assert.deepEqual(readdirSync(dir), ['validate.v8']);
    const before = statSync(join(dir, 'validate.v8'));
    assert.ok(before.size > 10_000, `cache of ${before.size} bytes`);
    const second = runCli(['validate', '--config', CONFIG], { env: { MYMLOPS_HOME: home } });
    assert.equal(second.stdout, 'ok\n');
    // The same path compiled nothing new: the file is left as it was.
    assert.equal(statSync(join(dir, 'validate.v8')).mtimeMs, before.mtimeMs);
    runCli(['--version'], { env: { MYMLOPS_HOME: home } });
    assert.deepEqual(readdirSync(dir).sort(), ['other.v8', 'validate.v8']);
  });

  it('grows when a later run of the command compiles more (an early error does not pin it)', () => {
    const { home, dir } = homeFor('grows');
    const bad = runCli(['validate', '--config', join(tmp, 'missing.yml')], { env: { MYMLOPS_HOME: home } });
    assert.equal(bad.code, 2);
    const small = statSync(join(dir, 'validate.v8')).size;
    assert.equal(runCli(['validate', '--config', CONFIG], { env: { MYMLOPS_HOME: home } }).code, 0);
    assert.ok(statSync(join(dir, 'validate.v8')).size > small);
  });

  it('ignores and replaces a corrupt cache', () => {
    const { home, dir } = homeFor('corrupt');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'validate.v8'), Buffer.alloc(4096, 7));
    const r = runCli(['validate', '--config', CONFIG], { env: { MYMLOPS_HOME: home } });
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'ok\n');
    const data = readFileSync(join(dir, 'validate.v8'));
    assert.ok(data.length > 10_000 && data.some((b) => b !== 7), 'the corrupt file was replaced');
  });

  it('keeps working when the cache cannot be written', () => {
    const { home } = homeFor('unwritable');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'cache'), 'a file where the cache folder should be');
    const r = runCli(['validate', '--config', CONFIG], { env: { MYMLOPS_HOME: home } });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'ok\n', '']);
  });

  it('is off with MYMLOPS_CODE_CACHE=0', () => {
    const { home, dir } = homeFor('off');
    const r = runCli(['validate', '--config', CONFIG], {
      env: { MYMLOPS_HOME: home, MYMLOPS_CODE_CACHE: '0' },
    });
    assert.equal(r.stdout, 'ok\n');
    assert.equal(existsSync(dir), false);
  });
});
