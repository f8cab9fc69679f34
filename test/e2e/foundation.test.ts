// The foundation as a user meets it: --help, validate, init, completion, error lines.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { binDir, ROOT, runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-foundation-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const home = join(tmp, 'home');

describe('mymlops CLI foundation', () => {
  it('lists every command in --help', () => {
    const r = runCli(['--help']);
    assert.equal(r.code, 0);
    for (const c of [
      'validate',
      'commit',
      'start',
      'logs',
      'status',
      'dashboard',
      'cancel',
      'retry',
      'init',
      'doctor',
      'completion',
    ])
      assert.match(r.stdout, new RegExp(`\\n  ${c}\\b`), `${c} missing from --help`);
  });

  it('validates the original example config unchanged', () => {
    const r = runCli(['validate', '--config', join(ROOT, 'test/fixtures/original-config/mymlops.yml')]);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'ok\n');
    assert.equal(r.code, 0);
  });

  it('finds the config through MYMLOPS_CONFIG', () => {
    const r = runCli(['validate'], {
      cwd: tmp,
      env: { MYMLOPS_CONFIG: join(ROOT, 'test/fixtures/original-config/mymlops.yml') },
    });
    assert.equal(r.stdout, 'ok\n');
  });

  it('prints one line, no stack, exit 2 for a bad config', () => {
    const dir = join(tmp, 'bad');
    mkdirSync(dir);
    cpSync(join(ROOT, 'test/fixtures/original-config'), dir, { recursive: true });
    writeFileSync(join(dir, '.env'), 'GITHUB_USER=me\n');
    const r = runCli(['validate'], { cwd: dir });
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0]!, /^mymlops: 5 problems in the config$/);
    assert.match(
      lines[1]!,
      /^mymlops\.yml:7:15: \$SNAPSHOT_NAME is not set — add SNAPSHOT_NAME=\.\.\. to \.env/,
    );
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
  });

  it('says how to start when there is no config', () => {
    const r = runCli(['validate'], { cwd: tmp });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^mymlops: no mymlops\.yml in .* — run `mymlops init` to create one, or pass --config FILE\n$/,
    );
  });

  it('init writes a valid local-backend config once and refuses to overwrite it', () => {
    const repo = join(tmp, 'proj');
    mkdirSync(repo);
    spawnSync('git', ['init', '-q', '-b', 'main', repo]);
    const r = runCli(['init'], { cwd: repo, env: { MYMLOPS_HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(join(repo, 'mymlops.yml'), 'utf8');
    // The schema is copied next to the config, so the comment holds wherever mymlops is installed.
    assert.match(text, /^# yaml-language-server: \$schema=\.\/mymlops\.schema\.json$/m);
    assert.equal(
      readFileSync(join(repo, 'mymlops.schema.json'), 'utf8'),
      readFileSync(join(ROOT, 'schema', 'mymlops.schema.json'), 'utf8'),
    );
    assert.match(text, /^backend: local$/m);
    assert.ok(existsSync(join(home, 'repos', 'proj-output.git', 'HEAD')), 'output bare repo created');
    assert.equal(runCli(['validate'], { cwd: repo }).stdout, 'ok\n');
    const again = runCli(['init'], { cwd: repo, env: { MYMLOPS_HOME: home } });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists — edit it, or delete it first/);
    assert.equal(readFileSync(join(repo, 'mymlops.yml'), 'utf8'), text, 'file untouched');
  });

  it('init outside a git repository fails and writes nothing', () => {
    const dir = join(tmp, 'nogit');
    mkdirSync(dir);
    const r = runCli(['init'], { cwd: dir, env: { MYMLOPS_HOME: home } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not inside a git repository — run `git init` first/);
    assert.ok(!existsSync(join(dir, 'mymlops.yml')));
  });

  it('init --dir naming a missing folder or a file is one line, exit 2, nothing written', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    for (const [dir, why] of [
      [join(tmp, 'missing', 'deeper'), /does not exist — create it first/],
      [file, /is not a folder — pass the folder/],
    ] as const) {
      const r = runCli(['init', '--dir', dir], { cwd: tmp, env: { MYMLOPS_HOME: home } });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, why);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.ok(!existsSync(join(tmp, 'missing')));
    assert.equal(readFileSync(file, 'utf8'), 'x');
  });

  it('a cache path that is a file is one line (exit 74), not a stack', () => {
    const repo = join(tmp, 'cachefile');
    const h = join(tmp, 'cachefile-home');
    spawnSync('git', ['init', '-q', '-b', 'main', repo]);
    assert.equal(runCli(['init'], { cwd: repo, env: { MYMLOPS_HOME: h } }).code, 0);
    rmSync(join(h, 'cache'), { recursive: true, force: true });
    writeFileSync(join(h, 'cache'), 'not a folder');
    const r = runCli(['status'], { cwd: repo, env: { MYMLOPS_HOME: h } });
    assert.equal(r.code, 74, r.stderr);
    assert.match(
      r.stderr,
      /^mymlops: \S+cache\/\S*: part of this path is a file, not a folder — move that file away/,
    );
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });

  it('rejects an unknown option with a non-zero exit', () => {
    const r = runCli(['validate', '--bogus']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown option '--bogus'/);
  });
});

describe('shell completion', () => {
  const bashComplete = (script: string, words: string[]) => {
    const cword = words.length - 1;
    const prog = `${script}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${cword}
_mymlops_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', prog], {
      env: { ...process.env, PATH: `${binDir(tmp)}:${process.env['PATH']}`, MYMLOPS_HOME: home },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  };

  it('`mymlops completion bash`, sourced in bash, completes comm<TAB> to commit', () => {
    const script = runCli(['completion', 'bash']).stdout;
    assert.deepEqual(bashComplete(script, ['mymlops', 'comm']), ['commit']);
    assert.deepEqual(bashComplete(script, ['mymlops', 'co']), ['commit', 'completion']);
  });

  it('the original eval "$(_MYMLOPS_COMPLETE=bash_source mymlops)" still works', () => {
    const r = runCli([], { env: { _MYMLOPS_COMPLETE: 'bash_source' } });
    assert.equal(r.code, 0);
    // The original's `startup_logs` (and its dashed twin) are offered with the other commands.
    assert.deepEqual(bashComplete(r.stdout, ['mymlops', 'st']), [
      'status',
      'startup-logs',
      'startup_logs',
      'start',
      'stop',
    ]);
  });

  it('completes options and commit ids', () => {
    const script = runCli(['completion', 'bash']).stdout;
    mkdirSync(join(home, 'jobs', '20241107_035340'), { recursive: true });
    mkdirSync(join(home, 'cache'), { recursive: true });
    writeFileSync(join(home, 'cache', 'commit-ids'), '20241106_101010\n');
    assert.deepEqual(bashComplete(script, ['mymlops', 'logs', '2024110']), [
      '20241107_035340',
      '20241106_101010',
    ]);
    assert.ok(bashComplete(script, ['mymlops', 'validate', '--']).includes('--config'));
    assert.deepEqual(bashComplete(script, ['mymlops', 'completion', 'z']), ['zsh']);
  });

  it('prints zsh and fish scripts and refuses an unknown shell', () => {
    assert.match(runCli(['completion', 'zsh']).stdout, /^#compdef mymlops/);
    assert.match(runCli(['completion', 'fish']).stdout, /complete -c mymlops/);
    const r = runCli(['completion', 'tcsh']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mymlops: unknown shell "tcsh" — use one of bash, zsh, fish\n$/);
  });
});
