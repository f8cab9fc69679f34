import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sayOnce, shouldSay } from '../../../src/adapters/store/notes.js';

const home = mkdtempSync(join(tmpdir(), 'mymlops-notes-'));
after(() => rmSync(home, { recursive: true, force: true }));

describe('notes said once', () => {
  const table: [string | null, string | null, boolean][] = [
    ['no prices', null, true],
    ['no prices', 'no prices', false],
    ['no prices (HTTP 403)', 'no prices', true],
    [null, 'no prices', false],
    [null, null, false],
  ];
  for (const [note, last, want] of table)
    it(`shouldSay(${note}, ${last}) = ${want}`, () => assert.equal(shouldSay(note, last), want));

  it('says a note once across calls, again after its cause went away and came back', () => {
    const said: string[] = [];
    const say = (l: string) => said.push(l);
    sayOnce(home, 'gce-prices', 'ranking by load alone', say);
    sayOnce(home, 'gce-prices', 'ranking by load alone', say);
    assert.deepEqual(said, ['ranking by load alone']);
    sayOnce(home, 'gce-prices', null, say); // prices are back
    sayOnce(home, 'gce-prices', 'ranking by load alone', say);
    assert.deepEqual(said, ['ranking by load alone', 'ranking by load alone']);
    sayOnce(home, 'other-topic', 'ranking by load alone', say);
    assert.equal(said.length, 3, 'topics are independent');
  });
});
