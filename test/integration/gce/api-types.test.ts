// The Compute Engine types are Google's (generated from gcloud's compute_v1_messages.py): a request
// body with a misspelt field or enum value does not type-check. The fixture is compiled by tsc with
// its `@ts-expect-error` directives removed; each line they guarded must be reported.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '..', '..', '..');
const fixture = join(import.meta.dirname, 'typecheck', 'misspelt-request.ts');

describe('Compute Engine API types', () => {
  it('reject a misspelt request field or enum value', () => {
    const src = readFileSync(fixture, 'utf8');
    const guarded = src
      .split('\n')
      .flatMap((l, i) => (l.trim().startsWith('// @ts-expect-error') ? [i + 2] : []));
    assert.equal(guarded.length, 3);
    // Same folder depth as the fixture, so its relative import resolves.
    const dir = mkdtempSync(join(import.meta.dirname, 'typecheck', 'tmp-'));
    try {
      const file = join(dir, 'misspelt-request.ts');
      writeFileSync(
        file,
        src.replaceAll('// @ts-expect-error', '//').replaceAll("'../../../../", "'../../../../../"),
      );
      const r = spawnSync(
        process.execPath,
        [
          join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
          '--noEmit',
          '--strict',
          '--module',
          'NodeNext',
          '--moduleResolution',
          'NodeNext',
          '--target',
          'ES2022',
          '--skipLibCheck',
          '--types',
          'node',
          file,
        ],
        { cwd: root, encoding: 'utf8' },
      );
      const lines = r.stdout.split('\n').filter((l) => l.includes('misspelt-request.ts('));
      const reported = lines.map((l) => Number(/\.ts\((\d+),/.exec(l)?.[1]));
      assert.deepEqual(reported, guarded, r.stdout);
      assert.match(lines[0]!, /'"SPOTT"' is not assignable to type .*"SPOT"/);
      assert.match(lines[1]!, /'machinetype' does not exist in type 'Instance'/);
      assert.match(lines[2]!, /'val' does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
