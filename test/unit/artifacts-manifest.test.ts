// stored-artifacts.json as readers take it: only well-formed entries, so a download is never
// looked for in a guessed place or checked against a malformed hash.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifest } from '../../src/core/artifacts/manifest.js';

const good = {
  name: 'artifacts/model.bin',
  size: 3145728,
  sha256: 'a'.repeat(64),
  location: 'gs://b/runs/20250101_000000/artifacts/model.bin',
};

test('well-formed entries are kept, anything else is left out', () => {
  const cases: [string, unknown[]][] = [
    [JSON.stringify({ version: 1, artifacts: [good] }), [good]],
    ['not json', []],
    [JSON.stringify(null), []],
    [JSON.stringify({ artifacts: 'x' }), []],
    [JSON.stringify({ artifacts: [{ ...good, sha256: 'A'.repeat(64) }] }), []],
    [JSON.stringify({ artifacts: [{ ...good, sha256: 'a'.repeat(63) }] }), []],
    [JSON.stringify({ artifacts: [{ ...good, size: -1 }] }), []],
    [JSON.stringify({ artifacts: [{ ...good, size: '3' }] }), []],
    [JSON.stringify({ artifacts: [{ ...good, location: 7 }, good, null] }), [good]],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseManifest(text), want, text);
});
