// The failover loop (src/core/launch/failover.ts) over a backend given as data: each placement's
// outcome in a table. What is checked: every attempt is announced (onAttempt) after it is built and
// before it is sent, what stops the loop and what moves it on, zonesTried, the failure's code and
// message, the plan each try sends, and the abort signal.
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { failover, launchWithFailover } from '../../../src/core/launch/failover.js';
import { commitMachine } from '../../helpers/machines.js';
import type { LaunchPlan, Placement, PlacementFailure } from '../../../src/core/ports/backend.js';
import { testCommitPlan } from '../../helpers/plans.js';

/** What a placement's try does: take the machine, fail (classified), or throw (outcome unknown). */
type Outcome = 'ok' | 'throw' | Omit<PlacementFailure, 'message' | 'explained'>;

const at = (zone: string | null, hourlyUsd: number | null = 0.1): Placement => ({
  zone,
  region: zone ? zone.replace(/-[a-z]$/, '') : null,
  hourlyUsd,
});
const capacity: Outcome = { kind: 'capacity', scope: 'zone', code: 'ZONE_RESOURCE_POOL_EXHAUSTED' };
const quota: Outcome = { kind: 'quota', scope: 'region', code: 'QUOTA_EXCEEDED' };
const permission: Outcome = { kind: 'permission', scope: 'global', code: 'IAM_PERMISSION_DENIED' };
const exists: Outcome = { kind: 'exists', scope: 'global', code: 'exists' };
const other: Outcome = { kind: 'other', scope: 'zone', code: 'RESOURCE_NOT_READY' };

function fakeBackend(outcomes: Record<string, Outcome>, o: { abortOnTry?: AbortController } = {}) {
  const events: string[] = [];
  const sent: LaunchPlan[] = [];
  const backend = {
    placements: async () => [],
    prepareAttempt: async (plan: LaunchPlan, p: Placement) => {
      events.push(`prepare ${p.zone}`);
      return { machine: plan.machineName, zone: p.zone, requestId: `req-${p.zone}` };
    },
    tryPlacement: async (plan: LaunchPlan, a: { zone: string | null; requestId: string | null }) => {
      events.push(`try ${a.zone} ${a.requestId}`);
      sent.push(plan);
      o.abortOnTry?.abort();
      const out = outcomes[String(a.zone)] ?? 'ok';
      if (out === 'throw') throw new Error(`no answer from ${a.zone}`);
      if (out === 'ok')
        return { ok: true as const, value: commitMachine({ name: plan.machineName, zone: a.zone }) };
      return {
        ok: false as const,
        error: {
          ...out,
          message: `${out.code} in ${a.zone}`,
          explained: `${out.code} in ${a.zone} — fix it`,
        },
      };
    },
    notify: (line: string) => events.push(`say ${line}`),
  };
  const hooks = {
    onAttempt: (a: { zone: string | null; requestId: string | null }) =>
      events.push(`record ${a.zone} ${a.requestId}`),
  };
  return { backend, events, sent, hooks };
}

const plan = () => testCommitPlan('20250301_000001');

interface Row {
  name: string;
  placements: Placement[];
  outcomes: Record<string, Outcome>;
  /** The zones sent a request, in order. */
  tries: string[];
  /** ok: the zone that took it; else the failure's code and a pattern of its message. */
  want: { zone: string } | { code: string; message: RegExp };
  zonesTried: string[];
}

const ROWS: Row[] = [
  {
    name: 'the first zone takes it',
    placements: [at('us-east1-b'), at('us-east1-c')],
    outcomes: {},
    tries: ['us-east1-b'],
    want: { zone: 'us-east1-b' },
    zonesTried: [],
  },
  {
    name: 'a zone without capacity: the next zone, same region',
    placements: [at('us-east1-b'), at('us-east1-c')],
    outcomes: { 'us-east1-b': capacity },
    tries: ['us-east1-b', 'us-east1-c'],
    want: { zone: 'us-east1-c' },
    zonesTried: ['us-east1-b'],
  },
  {
    name: 'a zone-local failure that is not capacity also moves on',
    placements: [at('us-east1-b'), at('us-east1-c')],
    outcomes: { 'us-east1-b': other },
    tries: ['us-east1-b', 'us-east1-c'],
    want: { zone: 'us-east1-c' },
    zonesTried: ['us-east1-b'],
  },
  {
    name: 'a regional quota skips the rest of its region',
    placements: [at('us-east1-b'), at('us-east1-c'), at('europe-west4-a')],
    outcomes: { 'us-east1-b': quota },
    tries: ['us-east1-b', 'europe-west4-a'],
    want: { zone: 'europe-west4-a' },
    zonesTried: ['us-east1-b'],
  },
  {
    name: 'a global failure stops at once with the explained line',
    placements: [at('us-east1-b'), at('us-east1-c')],
    outcomes: { 'us-east1-b': permission },
    tries: ['us-east1-b'],
    want: { code: 'permission', message: /^IAM_PERMISSION_DENIED in us-east1-b — fix it$/ },
    zonesTried: ['us-east1-b'],
  },
  {
    name: 'a name held by another machine stops, not recorded as a zone tried',
    placements: [at('us-east1-b'), at('us-east1-c')],
    outcomes: { 'us-east1-b': exists },
    tries: ['us-east1-b'],
    want: { code: 'exists', message: /^exists in us-east1-b$/ },
    zonesTried: [],
  },
  {
    name: 'every zone out of capacity: no_capacity, naming each zone and code',
    placements: [at('us-east1-b'), at('europe-west4-a')],
    outcomes: { 'us-east1-b': capacity, 'europe-west4-a': capacity },
    tries: ['us-east1-b', 'europe-west4-a'],
    want: {
      code: 'no_capacity',
      message:
        /^no zone could take the VM: us-east1-b \(ZONE_RESOURCE_POOL_EXHAUSTED\), europe-west4-a \(ZONE_RESOURCE_POOL_EXHAUSTED\) — try again later or widen instance.zone_regex$/,
    },
    zonesTried: ['us-east1-b', 'europe-west4-a'],
  },
  {
    name: 'every region over quota: quota',
    placements: [at('us-east1-b'), at('us-east1-c'), at('europe-west4-a')],
    outcomes: { 'us-east1-b': quota, 'europe-west4-a': quota },
    tries: ['us-east1-b', 'europe-west4-a'],
    want: { code: 'quota', message: /^no zone could take the VM: .*QUOTA_EXCEEDED/ },
    zonesTried: ['us-east1-b', 'europe-west4-a'],
  },
  {
    name: 'a stockout anywhere makes it no_capacity even when the last failure was a quota',
    placements: [at('us-east1-b'), at('europe-west4-a')],
    outcomes: { 'us-east1-b': capacity, 'europe-west4-a': quota },
    tries: ['us-east1-b', 'europe-west4-a'],
    want: { code: 'no_capacity', message: /^no zone could take the VM/ },
    zonesTried: ['us-east1-b', 'europe-west4-a'],
  },
  {
    name: 'no placements at all: no_capacity with nothing tried',
    placements: [],
    outcomes: {},
    tries: [],
    want: { code: 'no_capacity', message: /^no zone could take the VM: {2}—/ },
    zonesTried: [],
  },
  {
    name: 'one placement without a zone (local): its failure ends the launch as it is',
    placements: [at(null, null)],
    outcomes: { null: { kind: 'other', scope: 'global', code: 'other' } },
    tries: ['null'],
    want: { code: 'other', message: /^other in null — fix it$/ },
    zonesTried: [],
  },
];

describe('failover over a table of outcomes', () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const f = fakeBackend(row.outcomes);
      const r = await failover(f.backend, plan(), row.placements, f.hooks);
      const tries = f.events.filter((e) => e.startsWith('try ')).map((e) => e.split(' ')[1]);
      assert.deepEqual(tries, row.tries);
      if ('zone' in row.want) {
        assert.ok(r.ok, JSON.stringify(r));
        assert.equal(r.value.machine.zone, row.want.zone);
        assert.deepEqual(
          r.value.zonesTried.map((t) => t.zone),
          row.zonesTried,
        );
      } else {
        assert.ok(!r.ok);
        assert.equal(r.error.code, row.want.code);
        assert.match(r.error.message, row.want.message);
        assert.deepEqual(
          r.error.zonesTried.map((t) => t.zone),
          row.zonesTried,
        );
      }
      // Every request was built, then recorded with its own request id, and only then sent.
      for (const zone of row.tries) {
        const built = f.events.indexOf(`prepare ${zone}`);
        const recorded = f.events.indexOf(`record ${zone} req-${zone}`);
        const sent = f.events.indexOf(`try ${zone} req-${zone}`);
        assert.ok(built >= 0 && built < recorded && recorded < sent, f.events.join('\n'));
      }
    });
  }
});

test('the tried zones keep the cloud’s code, message and scope', async () => {
  const f = fakeBackend({ 'us-east1-b': capacity, 'us-west1-a': quota });
  const r = await failover(f.backend, plan(), [at('us-east1-b'), at('us-west1-a'), at('eu-a')], f.hooks);
  assert.ok(r.ok);
  assert.deepEqual(r.value.zonesTried, [
    {
      zone: 'us-east1-b',
      code: 'ZONE_RESOURCE_POOL_EXHAUSTED',
      message: 'ZONE_RESOURCE_POOL_EXHAUSTED in us-east1-b',
      scope: 'zone',
    },
    { zone: 'us-west1-a', code: 'QUOTA_EXCEEDED', message: 'QUOTA_EXCEEDED in us-west1-a', scope: 'region' },
  ]);
});

test('each try sends the plan placed where it goes: zone, price, zones that failed before', async () => {
  const f = fakeBackend({ 'us-east1-b': capacity });
  const p = plan();
  await failover(f.backend, p, [at('us-east1-b', 0.25), at('us-east1-c', 0.5)], f.hooks);
  assert.equal(f.sent.length, 2);
  const [first, second] = f.sent.map((s) => (s.kind === 'commit' ? s.jobConfig : null));
  assert.equal(first?.machine.zone, 'us-east1-b');
  assert.equal(first?.machine.hourly_usd, 0.25);
  assert.deepEqual(first?.metadata.zones_tried, []);
  assert.equal(second?.machine.zone, 'us-east1-c');
  assert.equal(second?.machine.hourly_usd, 0.5);
  assert.deepEqual(
    second?.metadata.zones_tried?.map((t) => t.zone),
    ['us-east1-b'],
  );
  assert.equal(p.jobConfig.machine.zone, null, 'the plan given is not changed');
});

test('a placement without a zone sends the plan as it is and says nothing', async () => {
  const f = fakeBackend({});
  const p = plan();
  const r = await failover(f.backend, p, [at(null, null)], f.hooks);
  assert.ok(r.ok);
  assert.equal(f.sent[0], p);
  assert.deepEqual(
    f.events.filter((e) => e.startsWith('say ')),
    [],
  );
});

test('the user is told each zone tried, its price, and why it was left', async () => {
  const f = fakeBackend({ 'us-east1-b': quota });
  await failover(f.backend, plan(), [at('us-east1-b', 0.123), at('us-east1-c'), at('eu-a', null)], f.hooks);
  assert.deepEqual(
    f.events.filter((e) => e.startsWith('say ')),
    [
      `say mymlops: creating ${plan().machineName} in us-east1-b (spot ≈ $0.123/h)`,
      'say mymlops: us-east1-b: QUOTA_EXCEEDED (skipping region us-east1)',
      `say mymlops: creating ${plan().machineName} in eu-a`,
    ],
  );
});

test('a try whose outcome is unknown (a throw) ends the loop: no other zone is asked', async () => {
  const f = fakeBackend({ 'us-east1-b': 'throw' });
  await assert.rejects(
    failover(f.backend, plan(), [at('us-east1-b'), at('us-east1-c')], f.hooks),
    /no answer from us-east1-b/,
  );
  assert.deepEqual(
    f.events.filter((e) => e.startsWith('try ')),
    ['try us-east1-b req-us-east1-b'],
  );
});

test('a record that cannot be written (onAttempt throws) sends nothing', async () => {
  const f = fakeBackend({});
  const hooks = {
    onAttempt: () => {
      throw new Error('disk full');
    },
  };
  await assert.rejects(failover(f.backend, plan(), [at('us-east1-b')], hooks), /disk full/);
  assert.deepEqual(f.sent, []);
});

test('aborted before the first attempt: interrupted, nothing built or sent', async () => {
  const f = fakeBackend({});
  const ac = new AbortController();
  ac.abort();
  const r = await failover(f.backend, plan(), [at('us-east1-b')], { ...f.hooks, signal: ac.signal });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'interrupted');
  assert.deepEqual(f.events, []);
});

test('aborted while a zone was tried: no further zone, the zones tried are kept', async () => {
  const ac = new AbortController();
  const f = fakeBackend({ 'us-east1-b': capacity }, { abortOnTry: ac });
  const r = await failover(f.backend, plan(), [at('us-east1-b'), at('us-east1-c')], {
    ...f.hooks,
    signal: ac.signal,
  });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'interrupted');
  assert.deepEqual(
    r.error.zonesTried.map((t) => t.zone),
    ['us-east1-b'],
  );
  assert.equal(f.sent.length, 1);
});

test('placements still being looked up when aborted: interrupted at once, nothing sent', async () => {
  const f = fakeBackend({});
  const ac = new AbortController();
  let asked = false;
  const never = new Promise<Placement[]>(() => {
    asked = true;
  });
  const launching = launchWithFailover(f.backend, plan(), { placements: never, signal: ac.signal });
  assert.ok(asked);
  ac.abort();
  const r = await launching;
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'interrupted');
  assert.deepEqual(f.events, []);
});

test('the placements a caller started early are used instead of asking the backend again', async () => {
  const f = fakeBackend({});
  let asked = 0;
  const backend = {
    ...f.backend,
    placements: async () => {
      asked++;
      return [at('us-east1-c')];
    },
  };
  const r = await launchWithFailover(backend, plan(), { placements: Promise.resolve([at('eu-a')]) });
  assert.ok(r.ok);
  assert.equal(r.value.machine.zone, 'eu-a');
  assert.equal(asked, 0);
  const again = await launchWithFailover(backend, plan());
  assert.ok(again.ok);
  assert.equal(again.value.machine.zone, 'us-east1-c');
  assert.equal(asked, 1);
});
