import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSerialLog } from '../../../src/adapters/backends/gce/serial-log.js';
import type { TokenSource } from '../../../src/adapters/gce/auth.js';
import { GceClient } from '../../../src/adapters/gce/client.js';
import { GceApiError, GceUnavailable } from '../../../src/adapters/gce/errors.js';
import { EXIT } from '../../../src/errors.js';
import type { HttpResponse } from '../../../src/adapters/gce/http.js';
import { backoffMs, type Clock, DEFAULT_RETRY } from '../../../src/adapters/gce/retry.js';
import { rateLimitError } from '../../../sim/gce/faults.js';

/** A scripted answer: a response, or a transport error with a Node error code. */
type Step = { status: number; body: string } | { throw: string };

const html502 = { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
const json = (v: unknown, status = 200) => ({ status, body: JSON.stringify(v) });
const refused = { throw: 'ECONNREFUSED' };

/** A fake clock whose sleeps only move time forward (no test waits). */
function fakeClock(): Clock & { sleeps: number[]; t: number } {
  const c = {
    t: 1_000_000,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
    random: () => 0.5,
  };
  return c;
}

interface Fake {
  client: GceClient;
  calls: { method: string; url: string }[];
  clock: ReturnType<typeof fakeClock>;
  invalidated: number;
}

/** A client whose transport answers from `route(url)`; each route's steps are used up in order. */
function fake(routes: Record<string, Step[]>): Fake {
  const clock = fakeClock();
  const calls: { method: string; url: string }[] = [];
  const f = { calls, clock, invalidated: 0 } as Fake;
  const tokens: TokenSource = {
    token: async () => 't',
    invalidate: () => {
      f.invalidated++;
    },
    description: 'fake',
  };
  const transport = async (url: string, o: { method: string }): Promise<HttpResponse> => {
    calls.push({ method: o.method, url });
    const key = Object.keys(routes).find((k) => new URL(url).pathname.endsWith(k));
    const steps = key ? routes[key]! : [];
    const step = steps.length > 1 ? steps.shift()! : steps[0];
    if (!step) return { status: 404, ok: false, text: '{"error":{"message":"no route"}}' };
    if ('throw' in step)
      throw Object.assign(new Error(`connect ${step.throw} 127.0.0.1:1`), { code: step.throw });
    return { status: step.status, ok: step.status < 300, text: step.body };
  };
  f.client = new GceClient({
    project: 'p',
    tokens,
    base: 'http://127.0.0.1:1/compute/v1/',
    clock,
    transport,
  });
  return f;
}

const cases: { name: string; steps: Step[]; value?: unknown; detail?: string; tries: number }[] = [
  {
    name: 'a burst of 502 (HTML), 503, refused and reset connections, then an answer',
    steps: [html502, json({}, 503), refused, { throw: 'ECONNRESET' }, json({ ok: 1 })],
    value: { ok: 1 },
    tries: 5,
  },
  {
    name: '429 then an answer',
    steps: [json({ error: { code: 429 } }, 429), json({ ok: 2 })],
    value: { ok: 2 },
    tries: 2,
  },
  {
    name: 'a 200 carrying an HTML page is asked again',
    steps: [{ status: 200, body: '<!DOCTYPE html><html></html>' }, json({ ok: 3 })],
    value: { ok: 3 },
    tries: 2,
  },
  {
    name: 'a 200 with an empty body is asked again, never taken as an answer',
    steps: [{ status: 200, body: '' }, { status: 200, body: 'null' }, json({ ok: 4 })],
    value: { ok: 4 },
    tries: 3,
  },
  {
    name: 'a lasting 200 with an empty body',
    steps: [{ status: 200, body: '' }],
    detail: 'HTTP 200 with an empty body',
    tries: 0,
  },
  {
    name: 'a lasting 200 with plain text',
    steps: [{ status: 200, body: 'OK' }],
    detail: 'HTTP 200 with a body that is not JSON',
    tries: 0,
  },
  { name: 'a lasting 502 is said as such', steps: [html502], detail: '502 Bad Gateway', tries: 0 },
  { name: 'lasting refused connections', steps: [refused], detail: 'connection refused', tries: 0 },
  {
    name: 'a lasting HTML 200',
    steps: [{ status: 200, body: '<html>' }],
    detail: 'HTTP 200 with an HTML page',
    tries: 0,
  },
];

for (const c of cases) {
  test(`GET: ${c.name}`, async () => {
    const f = fake({ '/instances/vm': c.steps });
    const p = f.client.getInstance('z', 'vm');
    if (c.detail === undefined) {
      assert.deepEqual(await p, c.value);
      assert.equal(f.calls.length, c.tries);
      return;
    }
    const e = await p.then(
      () => assert.fail('expected a failure'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof GceUnavailable);
    assert.equal(e.detail, c.detail);
    assert.equal(e.exitCode, EXIT.unavailable);
    assert.match(e.line(), /^mymlops: Compute Engine did not answer \(.+\) — .+$/);
    assert.doesNotMatch(e.line(), /\n/);
    // Retried until the budget was spent, never past it.
    const slept = f.clock.sleeps.reduce((a, b) => a + b, 0);
    assert.ok(f.calls.length > 3, `tries: ${f.calls.length}`);
    assert.ok(slept <= DEFAULT_RETRY.budgetMs, `slept ${slept}`);
    assert.ok(slept + DEFAULT_RETRY.capMs > DEFAULT_RETRY.budgetMs, `gave up early: ${slept}`);
  });
}

test('backoff: doubles from the base, capped, with jitter in [d/2, d]', () => {
  const p = { baseMs: 100, capMs: 1000, budgetMs: 10_000 };
  const table: [number, number, number][] = [
    [0, 50, 100],
    [1, 100, 200],
    [2, 200, 400],
    [3, 400, 800],
    [4, 500, 1000],
    [9, 500, 1000],
  ];
  for (const [attempt, lo, hi] of table) {
    assert.equal(
      backoffMs(attempt, p, () => 0),
      lo,
      `attempt ${attempt} low`,
    );
    assert.equal(
      backoffMs(attempt, p, () => 0.999999),
      hi,
      `attempt ${attempt} high`,
    );
  }
});

test('insert: retried with the same requestId; a stockout 503 is an answer, not retried', async () => {
  const f = fake({ '/zones/z/instances': [refused, json({}, 502), json({ name: 'op', status: 'DONE' })] });
  await f.client.insertInstance('z', { name: 'vm' }, 'req-1');
  assert.equal(f.calls.length, 3);
  for (const c of f.calls) assert.equal(new URL(c.url).searchParams.get('requestId'), 'req-1');

  const stockout = json(
    { error: { code: 503, message: 'no', errors: [{ reason: 'ZONE_RESOURCE_POOL_EXHAUSTED' }] } },
    503,
  );
  const g = fake({ '/zones/z/instances': [stockout] });
  const e = await g.client.insertInstance('z', { name: 'vm' }).catch((x: unknown) => x);
  assert.ok(e instanceof GceApiError && e.reason === 'ZONE_RESOURCE_POOL_EXHAUSTED');
  assert.equal(g.calls.length, 1);
});

test('insert: a lasting outage says the VM may exist', async () => {
  const f = fake({ '/zones/z/instances': [html502] });
  const e = await f.client.insertInstance('z', { name: 'vm-1' }).catch((x: unknown) => x);
  assert.ok(e instanceof GceUnavailable);
  assert.match(e.line(), /vm-1 in z may have been created/);
});

test('delete and operations.wait answered 200 with an empty body: retried, then one line, never DONE', async () => {
  const d = fake({ '/zones/z/instances/vm': [{ status: 200, body: '' }] });
  const e = await d.client.deleteInstance('z', 'vm').catch((x: unknown) => x);
  assert.ok(e instanceof GceUnavailable, String(e));
  assert.equal(e.detail, 'HTTP 200 with an empty body');
  assert.ok(d.calls.length > 3);

  // A wait answering an empty body, or an object without a status, spends the retry budget and stops.
  for (const body of ['', '{}']) {
    const w = fake({ '/operations/op-1/wait': [{ status: 200, body }] });
    const p = w.client.waitOperation('z', { name: 'op-1', status: 'RUNNING', operationType: 'start' });
    const x = await p.catch((y: unknown) => y);
    assert.ok(x instanceof GceUnavailable, String(x));
    assert.equal(x.exitCode, EXIT.unavailable);
    assert.match(
      x.line(),
      /^mymlops: Compute Engine did not answer \(HTTP 200 with .+\) — start may still finish/,
    );
    assert.ok(w.clock.sleeps.reduce((a, b) => a + b, 0) <= DEFAULT_RETRY.budgetMs);
  }

  // An operation that stays RUNNING: the wait's own budget ends it, with one line.
  const r = fake({ '/operations/op-2/wait': [json({ name: 'op-2', status: 'RUNNING' })] });
  // Every look at the clock finds 30 s more gone (each wait call blocks on the server).
  r.clock.now = () => (r.clock.t += 30_000);
  const y = await r.client
    .waitOperation('z', { name: 'op-2', status: 'RUNNING', operationType: 'delete' }, 60_000)
    .catch((z: unknown) => z);
  assert.ok(y instanceof GceUnavailable, String(y));
  assert.match(y.line(), /operation op-2 not done after 60 s\) — delete may still finish/);
});

test('a POST without requestId or retry: one try, still one line', async () => {
  const f = fake({ '/instances/vm/stop': [json({}, 503)] });
  const e = await f.client.request('POST', 'zones/z/instances/vm/stop').catch((x: unknown) => x);
  assert.ok(e instanceof GceUnavailable);
  assert.equal(f.calls.length, 1);
});

test('4xx answers are not retried; a 401 fetches a new token once', async () => {
  const f = fake({
    '/instances/vm': [json({ error: { code: 404, message: 'gone', errors: [{ reason: 'notFound' }] } }, 404)],
  });
  const e = await f.client.getInstance('z', 'vm').catch((x: unknown) => x);
  assert.ok(e instanceof GceApiError && e.status === 404);
  assert.equal(f.calls.length, 1);

  const g = fake({ '/instances/vm': [json({ error: { code: 401 } }, 401), json({ name: 'vm' })] });
  assert.deepEqual(await g.client.getInstance('z', 'vm'), { name: 'vm' });
  assert.equal(g.invalidated, 1);
  assert.deepEqual(g.clock.sleeps, []);
});

const logState = () => ({ ended: new Set<string>(), lastRead: new Map<string, number>(), logPollMs: 0 });

test('following: a serial port 503 while the VM is stopping keeps following (the job is pushing what it has)', async () => {
  const f = fake({
    '/instances/vm/serialPort': [json({}, 503)],
    '/instances/vm': [json({ name: 'vm', status: 'STOPPING' })],
  });
  const chunk = await readSerialLog(logState(), async () => f.client, 'z', 'vm', 10);
  assert.deepEqual(chunk, { text: '', next: 10, done: false });
});

test('following: a serial port 503 once the VM is down ends the log', async () => {
  const f = fake({
    '/instances/vm/serialPort': [json({}, 503)],
    '/instances/vm': [json({ name: 'vm', status: 'TERMINATED' })],
  });
  const chunk = await readSerialLog(logState(), async () => f.client, 'z', 'vm', 10);
  assert.deepEqual(chunk, { text: '', next: 10, done: true });
});

test('following: a lasting outage of a running VM says how to follow again', async () => {
  const f = fake({
    '/instances/vm/serialPort': [html502],
    '/instances/vm': [json({ name: 'vm', status: 'RUNNING' })],
  });
  const e = await readSerialLog(logState(), async () => f.client, 'z', 'vm', 0).catch((x: unknown) => x);
  assert.ok(e instanceof GceUnavailable);
  assert.equal(
    e.line(),
    'mymlops: Compute Engine did not answer (502 Bad Gateway) — the job keeps running; follow it again with `mymlops logs vm -f`',
  );
});

// Google's bodies for a call over a rate limit (the simulator quotes their sources).
const rate403 = (() => {
  const r = rateLimitError('RATE_LIMIT_EXCEEDED', '1');
  return json(r.body, r.code);
})();
const quota429 = (() => {
  const r = rateLimitError('QUOTA_PER_MINUTE', '1');
  return json(r.body, r.code);
})();

test('rate limits: a burst of 403 rateLimitExceeded / 429 per-minute quota is ridden out, on any call', async () => {
  for (const [method, path] of [
    ['GET', 'zones/z/instances/vm'],
    // A POST that is not safe to repeat after an unknown outcome: a refused one was not carried out.
    ['POST', 'zones/z/instances/vm/stop'],
  ] as const) {
    const f = fake({
      [`/${path.split('/').slice(-2).join('/')}`]: [rate403, quota429, rate403, json({ ok: 1 })],
    });
    assert.deepEqual(await f.client.request(method, path), { ok: 1 }, method);
    assert.equal(f.calls.length, 4, method);
    assert.equal(f.clock.sleeps.length, 3, method);
  }
});

test('rate limits: longer than the budget, one line says Compute Engine is rate-limiting (exit 75)', async () => {
  for (const step of [rate403, quota429]) {
    const f = fake({ '/instances/vm': [step] });
    const e = await f.client.getInstance('z', 'vm').catch((x: unknown) => x);
    assert.ok(e instanceof GceUnavailable, String(e));
    assert.equal(e.exitCode, EXIT.unavailable);
    assert.match(
      e.line(),
      /^mymlops: Compute Engine is rate-limiting this project's API requests \((403|429) rateLimitExceeded\) — /,
    );
    assert.doesNotMatch(e.line(), /quota|permission|\n/i);
    const slept = f.clock.sleeps.reduce((a, b) => a + b, 0);
    assert.ok(
      slept <= DEFAULT_RETRY.budgetMs && slept + DEFAULT_RETRY.capMs > DEFAULT_RETRY.budgetMs,
      `${slept}`,
    );
  }
});

test('rate limits: `retry: false` asks once (the guest-attribute reader keeps its last reading)', async () => {
  const f = fake({ '/instances/vm/getGuestAttributes': [rate403] });
  const e = await f.client
    .request('GET', 'zones/z/instances/vm/getGuestAttributes', { retry: false })
    .catch((x: unknown) => x);
  assert.ok(e instanceof GceUnavailable && e.rateLimited);
  assert.equal(f.calls.length, 1);
});
