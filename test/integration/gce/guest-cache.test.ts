// Guest-attribute readings shared through <home>/cache: whatever the number of readers (tabs,
// `status` processes — they share only the files), one query per VM per 30 s window; a failed
// query (429 over GCE's rate) keeps the last reading until the next window.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readGuestStates } from '../../../src/adapters/backends/gce/dev-idle.js';
import type { GceClient } from '../../../src/adapters/gce/client.js';
import { GceApiError } from '../../../src/adapters/gce/errors.js';
import { cachedGuestReading } from '../../../src/adapters/store/guest-cache.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-guest-cache-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const state = (s: string, idle: number) =>
  JSON.stringify({
    state: s,
    idle_seconds: idle,
    stops_in_seconds: 600 - idle,
    timeout: 600,
    action: 'stop',
    reasons: '',
    updated_at: '2025-01-01T00:00:00Z',
  });

describe('guest attribute cache', () => {
  it('many readers in one window make one query; the next window one more', async () => {
    const home = join(tmp, 'a');
    let t = 1_000_000_000_000;
    let queries = 0;
    const read = async () => {
      queries++;
      return `v${queries}`;
    };
    const first = await cachedGuestReading(home, 'p/z/vm', read, () => t);
    assert.equal(first, 'v1');
    const same = await Promise.all(
      Array.from({ length: 20 }, () => cachedGuestReading(home, 'p/z/vm', read, () => t + 29_000)),
    );
    assert.deepEqual(new Set(same), new Set(['v1']));
    assert.equal(queries, 1);
    t += 31_000;
    const next = await Promise.all(
      Array.from({ length: 8 }, () => cachedGuestReading(home, 'p/z/vm', read, () => t)),
    );
    assert.equal(queries, 2, 'one query for the new window');
    assert.ok(next.includes('v2'));
    assert.ok(
      next.every((v) => v === 'v1' || v === 'v2'),
      String(next),
    );
    // Another VM has its own window.
    await cachedGuestReading(home, 'p/z/other', read, () => t);
    assert.equal(queries, 3);
  });

  it('over the rate (429): the last reading is kept, not asked again within the window', async () => {
    const home = join(tmp, 'b');
    let t = 2_000_000_000_000;
    let calls = 0;
    let answer: () => unknown = () => ({
      queryValue: { items: [{ namespace: 'mymlops', key: 'idle', value: state('idle', 60) }] },
    });
    const client = {
      project: 'p',
      request: async () => {
        calls++;
        return answer();
      },
    } as unknown as GceClient;
    const now = Date.now;
    Date.now = () => t;
    try {
      assert.equal((await readGuestStates(client, 'z', 'vm', { home })).idle?.idle_seconds, 60);
      answer = () => {
        throw new GceApiError(429, 'Rate limit exceeded', [{ reason: 'rateLimitExceeded' }], '');
      };
      t += 31_000;
      assert.equal(
        (await readGuestStates(client, 'z', 'vm', { home })).idle?.idle_seconds,
        60,
        'kept over a 429',
      );
      assert.equal(calls, 2);
      t += 10_000;
      assert.equal((await readGuestStates(client, 'z', 'vm', { home })).idle?.idle_seconds, 60);
      assert.equal(calls, 2, 'no query within the window after the failure');
      answer = () => {
        throw new GceApiError(404, 'not found', [{ reason: 'notFound' }], '');
      };
      t += 31_000;
      assert.equal(
        (await readGuestStates(client, 'z', 'vm', { home })).idle,
        null,
        'not published (404) clears it',
      );
    } finally {
      Date.now = now;
    }
  });
});
