// scripts/notebook-deps.sh (what `npm run example` and .ci/run install notebooks' needs with), run as
// it is against a stand-in python that lacks nbclient until a stand-in apt-get "installs" it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../../helpers/cli.js';

const SCRIPT = join(ROOT, 'scripts', 'notebook-deps.sh');
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

describe('scripts/notebook-deps.sh', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mymlops-deps-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  let n = 0;

  /** A fresh machine: python without the modules, apt-get and sudo that log what they are asked. */
  function machine() {
    const dir = join(tmp, String(n++));
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const installed = join(dir, 'installed');
    const log = join(dir, 'apt.log');
    const exe = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    exe('python3', `[ -f ${JSON.stringify(installed)} ]`);
    exe(
      'apt-get',
      `echo "$*" >>${JSON.stringify(log)}; [ "$1" != install ] || touch ${JSON.stringify(installed)}`,
    );
    exe('sudo', 'exec "$@"');
    const env = { PATH: `${bin}:${process.env['PATH']}`, MYMLOPS_DEPS_PYTHON: join(bin, 'python3') };
    const apt = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    return { env, apt, installed };
  }

  it('under CI installs the Debian packages without asking', () => {
    const m = machine();
    const r = spawnSync('bash', [SCRIPT], { env: { ...m.env, CI: 'true' }, encoding: 'utf8', input: '' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      m.apt(),
      /^update -qq\ninstall -y -qq python3-nbclient python3-ipykernel python3-matplotlib\n$/,
    );
    assert.match(r.stdout, /notebook-deps: ready/);
  });

  it('without a terminal and without CI installs nothing and prints the command', () => {
    const m = machine();
    const r = spawnSync('bash', [SCRIPT], { env: m.env, encoding: 'utf8', input: '' });
    assert.equal(r.status, 1);
    assert.equal(m.apt(), '');
    assert.match(r.stderr, /apt-get install -y python3-nbclient python3-ipykernel python3-matplotlib/);
  });

  it('with everything there does nothing', () => {
    const m = machine();
    writeFileSync(m.installed, '');
    const r = spawnSync('bash', [SCRIPT], { env: { ...m.env, CI: 'true' }, encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.equal(m.apt(), '');
  });

  for (const [answer, code, installs] of [
    ['y', 0, true],
    ['n', 1, false],
  ] as const)
    it(`on a terminal asks first: "${answer}"`, { skip: !hasScript && 'util-linux script missing' }, () => {
      const m = machine();
      const r = spawnSync('script', ['-qec', `bash ${SCRIPT}`, '/dev/null'], {
        env: m.env,
        encoding: 'utf8',
        input: `${answer}\n`,
      });
      assert.equal(r.status, code, r.stdout + r.stderr);
      assert.match(r.stdout, /Install them now\? \[Y\/n\]/);
      assert.equal(m.apt().includes('install -y'), installs);
    });
});
