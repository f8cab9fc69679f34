// The follower's view of a log: a secret the job prints one character at a time (each read a new
// piece) never reaches stdout whole.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { followView } from '../../../src/app/commit/follow.js';
import { addSecret } from '../../../src/util/log.js';

/** What `fn` writes to process.stdout (it runs synchronously). */
function stdoutOf(fn: () => void): string {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe('followView', () => {
  it('redacts a secret printed one character at a time', () => {
    const secret = 'sk-live-0123456789abcdef';
    addSecret(secret);
    const printed = stdoutOf(() => {
      const view = followView({ tty: false });
      for (const ch of `key: ${secret}\nnext line\n`) view.write(ch);
      view.close();
    });
    assert.equal(printed, 'key: ***\nnext line\n');
  });
});
