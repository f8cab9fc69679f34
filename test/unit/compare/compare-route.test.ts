// GET /api/compare's checks before anything is read: 2–8 commit ids, each known, from/to among them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Comparison } from '../../../src/core/compare/compare.js';
import { compareRoute } from '../../../src/dashboard/server/compare-route.js';
import { commitRow } from '../../helpers/status-row.js';

const A = '20250101_000000';
const B = '20250102_000000';
const C = '20250103_000000';
const known = new Set([A, B, C]);
const lookup = async (id: string) =>
  known.has(id) ? commitRow({ id, status: 'succeeded', timestamp: 't' }) : null;

test('compareRoute: what it refuses and what it passes on', async () => {
  const calls: unknown[] = [];
  const compare = async (rows: { id: string }[], pair: object) => {
    calls.push([rows.map((r) => r.id), pair]);
    return {} as Comparison;
  };
  for (const [query, code] of [
    ['', 400],
    [`ids=${A}`, 400],
    [`ids=${A},${A}`, 400],
    [`ids=${A},../x`, 400],
    [`ids=${Array.from({ length: 9 }, (_, i) => `2025010${i + 1}_000000`).join(',')}`, 400],
    [`ids=${A},20000101_000000`, 404],
    [`ids=${A},${B}`, 200],
    [`ids=${A},${B},${C}&from=${B}&to=${C}`, 200],
    [`ids=${A},${B}&from=${C}&to=../x`, 200],
  ] as const) {
    const r = await compareRoute(compare)(new URLSearchParams(query), lookup);
    assert.equal(r.code, code, query);
  }
  assert.deepEqual(calls, [
    [[A, B], {}],
    [[A, B, C], { from: B, to: C }],
    [[A, B], {}],
  ]);
  assert.equal((await compareRoute(undefined)(new URLSearchParams(`ids=${A},${B}`), lookup)).code, 404);
});

test('compareRoute: identical requests in flight share one comparison; at most two different ones run', async () => {
  let running = 0;
  let most = 0;
  let calls = 0;
  const gates: (() => void)[] = [];
  const compare = async () => {
    calls++;
    running++;
    most = Math.max(most, running);
    await new Promise<void>((r) => gates.push(r));
    running--;
    return { from: 'x' } as unknown as Comparison;
  };
  const route = compareRoute(compare);
  const same = Array.from({ length: 20 }, () => route(new URLSearchParams(`ids=${A},${B}`), lookup));
  const others = [`ids=${A},${C}`, `ids=${B},${C}`, `ids=${A},${B}&from=${B}`].map((q) =>
    route(new URLSearchParams(q), lookup),
  );
  // Let every request reach its slot or its shared promise, then open the gates one by one.
  const settled = Promise.all([...same, ...others]);
  while (calls < 4 || gates.length > 0) {
    await new Promise((r) => setImmediate(r));
    gates.shift()?.();
  }
  const results = await settled;
  assert.equal(calls, 4, 'twenty identical requests made one comparison, plus three different ones');
  assert.equal(most, 2, 'never more than two at once');
  assert.ok(results.every((r) => r.code === 200));
});
