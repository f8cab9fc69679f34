// The layer rule "core touches no file, process or network" as `npm run check` enforces it: the
// project's own biome.json, run by biome on a copy of a tree with the same import in core and in app.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { packagePath } from '../../../src/util/package-root.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-core-imports-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const MODULES = ['node:fs', 'node:fs/promises', 'node:child_process', 'node:net'];

test('biome refuses node:fs, node:child_process and node:net in src/core, not in src/app', () => {
  copyFileSync(packagePath('biome.json'), join(tmp, 'biome.json'));
  for (const layer of ['core', 'app']) {
    mkdirSync(join(tmp, 'src', layer), { recursive: true });
    MODULES.forEach((m, k) => {
      writeFileSync(
        join(tmp, 'src', layer, `probe${k}.ts`),
        `import * as m from '${m}';\n\nexport const x = m;\n`,
      );
    });
  }
  const r = spawnSync(packagePath('node_modules', '.bin', 'biome'), ['lint', '--max-diagnostics=50', '.'], {
    cwd: tmp,
    encoding: 'utf8',
  });
  const out = r.stdout + r.stderr;
  assert.notEqual(r.status, 0, out);
  const flagged = [...out.matchAll(/(src\/\w+\/probe\d)\.ts:\d+:\d+ lint\/style\/noRestrictedImports/g)].map(
    (x) => x[1],
  );
  assert.deepEqual(flagged.sort(), MODULES.map((_, k) => `src/core/probe${k}`).sort(), out);
});
