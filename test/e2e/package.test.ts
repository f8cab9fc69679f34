// The npm package as a user gets it: `npm pack` ships the bundle, bin, assets and schema and nothing
// else of dist/; runtime dependencies are exactly what the bundle require()s; the unpacked tarball
// runs from another prefix (and `init` there writes a schema comment that is not a path into it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuilt, ROOT } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-pack-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** npm in the repository, on the current build (no prepare run: `npm test` has just built). */
function npm(args: string[]): string {
  const r = spawnSync('npm', [...args, '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function walk(dir: string, base = ''): string[] {
  return readdirSync(join(dir, base), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(dir, join(base, e.name)) : [join(base, e.name)],
  );
}

let files: string[] = [];
before(() => {
  ensureBuilt();
  const [pack] = JSON.parse(npm(['pack', '--dry-run', '--json'])) as { files: { path: string }[] }[];
  files = pack!.files.map((f) => f.path).sort();
});

describe('npm package', () => {
  it('ships the bundle, bin, every asset and the schema, and no other dist/ file or source map', () => {
    const assets = walk(join(ROOT, 'assets')).map((f) => `assets/${f}`);
    assert.ok(assets.includes('assets/dashboard/app.js'), 'the dashboard is built');
    for (const f of ['bin/mymlops.cjs', 'dist/cli/cli.cjs', 'schema/mymlops.schema.json', ...assets])
      assert.ok(files.includes(f), `${f} is shipped`);
    const extra = files.filter(
      (f) =>
        !['bin/', 'assets/', 'schema/'].some((p) => f.startsWith(p)) &&
        !['dist/cli/cli.cjs', 'package.json', 'README.md', 'LICENSE'].includes(f),
    );
    assert.deepEqual(extra, []);
    assert.deepEqual(
      files.filter((f) => f.endsWith('.map')),
      [],
    );
  });

  it('depends at run time on exactly the packages the bundle leaves out', () => {
    const bundle = readFileSync(join(ROOT, 'dist', 'cli', 'cli.cjs'), 'utf8');
    // require("x") calls; a quoted one is text in generated code, not a call.
    const required = new Set(
      [...bundle.matchAll(/(?<!['"])\brequire\("([^"]+)"\)/g)].map((m) => m[1]!).filter((m) => !isBuiltin(m)),
    );
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    assert.deepEqual(Object.keys(pkg.dependencies ?? {}).sort(), [...required].sort());
  });

  it('the unpacked tarball runs from another prefix: --version, --help, init, validate', () => {
    // Unpacked as npm would lay it out, without installing its dependencies from the registry
    // (tests stay offline); these commands never load them.
    npm(['pack', '--pack-destination', tmp]);
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'))!;
    const lib = join(tmp, 'prefix', 'lib', 'node_modules');
    mkdirSync(lib, { recursive: true });
    const untar = spawnSync('tar', ['-xzf', join(tmp, tgz), '-C', lib], { encoding: 'utf8' });
    assert.equal(untar.status, 0, untar.stderr);
    renameSync(join(lib, 'package'), join(lib, 'mymlops'));
    mkdirSync(join(tmp, 'prefix', 'bin'));
    const bin = join(tmp, 'prefix', 'bin', 'mymlops');
    symlinkSync('../lib/node_modules/mymlops/bin/mymlops.cjs', bin);
    const home = join(tmp, 'home');
    const run = (args: string[], cwd = tmp) =>
      spawnSync(bin, args, {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, MYMLOPS_HOME: home, NO_COLOR: '1' },
      });

    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const v = run(['--version']);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stdout.trim(), pkg.version);
    const help = run(['--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: mymlops /);
    assert.match(help.stdout, /\bcommit\b/);

    const proj = join(tmp, 'proj');
    assert.equal(spawnSync('git', ['init', '-q', proj]).status, 0);
    const init = run(['init'], proj);
    assert.equal(init.status, 0, init.stderr);
    const first = readFileSync(join(proj, 'mymlops.yml'), 'utf8').split('\n')[0];
    assert.equal(first, '# yaml-language-server: $schema=./mymlops.schema.json');
    assert.equal(
      readFileSync(join(proj, 'mymlops.schema.json'), 'utf8'),
      readFileSync(join(lib, 'mymlops', 'schema', 'mymlops.schema.json'), 'utf8'),
    );
    const validate = run(['validate'], proj);
    assert.equal(validate.stdout, 'ok\n', validate.stderr);
  });
});
