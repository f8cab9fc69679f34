// The failure-code table (src/adapters/gce/errors.ts ERROR_CODES) against Google's documentation:
// each code the fixture takes from Google's pages classifies as the page says, and the table row
// names that page as its source.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { classify, ERROR_CODES } from '../../../src/adapters/gce/errors.js';
import { packagePath } from '../../../src/util/package-root.js';

interface DocumentedCode {
  code: string;
  status?: number;
  message: string;
  kind: string;
  scope: string;
  url: string;
}

const documented = (
  JSON.parse(readFileSync(packagePath('test/fixtures/gce/error-codes.json'), 'utf8')) as {
    codes: DocumentedCode[];
  }
).codes;

for (const d of documented) {
  test(`${d.code} classifies as ${d.url} says: ${d.kind}, blocking the ${d.scope}`, () => {
    const c = classify({ status: d.status ?? null, codes: [d.code], message: d.message });
    assert.equal(c.kind, d.kind);
    assert.equal(c.scope, d.scope);
    assert.equal(c.code, d.code, 'the code is what zones_tried records');
    assert.equal(ERROR_CODES[d.code]?.source, d.url, 'the table row quotes the page');
  });
}

test('a table row that quotes a Google page is in the fixture taken from it (other rows quote SkyPilot)', () => {
  for (const [code, row] of Object.entries(ERROR_CODES)) {
    if (!row.source.startsWith('https://cloud.google.com/')) continue;
    assert.ok(
      documented.some((d) => d.code === code && d.url === row.source),
      `${code}: ${row.source} is not in test/fixtures/gce/error-codes.json`,
    );
  }
});

test('the code decides before the HTTP status: a capacity reason in a 429 is capacity, not a rate limit', () => {
  for (const code of Object.keys(ERROR_CODES).filter((c) => ERROR_CODES[c]!.kind === 'capacity')) {
    assert.equal(classify({ status: 429, codes: [code], message: 'm' }).kind, 'capacity', code);
    // And whatever other reasons come with it (the first capacity one is reported).
    assert.equal(classify({ codes: ['other', code], message: 'm' }).code, code);
  }
});
