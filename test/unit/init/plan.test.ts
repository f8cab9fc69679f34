// `init`'s plan (src/core/init.ts): what it would create and write, from what git said.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { planInit, SCHEMA_COPY } from '../../../src/core/init.js';

const base = { dir: '/w/nb', home: '/h', top: '/w/nb', branch: 'main' };

test('without origin: a bare source and output repository in the home, named after the folder', () => {
  const p = planInit({ ...base, top: '/w/my nb', origin: null });
  assert.deepEqual(p.bare, [
    { path: join('/h', 'repos', 'my_nb.git'), branch: 'main' },
    { path: join('/h', 'repos', 'my_nb-output.git'), branch: 'master' },
  ]);
  assert.equal(p.file, join('/w/nb', 'mymlops.yml'));
  assert.match(p.text, new RegExp(`\\$schema=\\./${SCHEMA_COPY}\\n`));
  assert.match(p.text, /repository:\n {4}url: \/h\/repos\/my_nb\.git\n {4}branch: main\n/);
  assert.equal(p.note, null);
});

test("with origin: origin's URL without its credentials, only the output repository is made", () => {
  const p = planInit({ ...base, branch: null, origin: 'https://alice:s3cret@git.example.com/nb.git' });
  assert.deepEqual(p.bare, [{ path: join('/h', 'repos', 'nb-output.git'), branch: 'master' }]);
  assert.ok(!p.text.includes('s3cret') && !p.text.includes('alice'));
  assert.match(p.text, /url: https:\/\/git\.example\.com\/nb\.git\n {4}branch: master\n/);
  assert.match(p.note ?? '', /credentials in origin's URL were left out of mymlops\.yml/);
});
