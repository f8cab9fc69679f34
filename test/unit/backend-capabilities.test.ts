// The backends' named capabilities: which backend kind has which (constructed backends, no network),
// and what a caller does with a backend that lacks one (today's messages) or has one (it is called).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBackend } from '../../src/adapters/backends/index.js';
import type { Machine } from '../../src/core/model.js';
import { commitMachine, devMachine } from '../helpers/machines.js';
import { onePlacement } from '../helpers/fake-launch.js';
import {
  type BackendCapabilities,
  type ComputeBackend,
  NO_CAPABILITIES,
} from '../../src/core/ports/backend.js';
import type { LaunchRecord } from '../../src/core/ports/launch-record.js';
import { deleteDev, stopDev } from '../../src/core/devvm/lifecycle.js';
import { resumeDev } from '../../src/core/devvm/start.js';
import { publishKept } from '../../src/core/publish/publish.js';
import { followWithRetry } from '../../src/core/retry/auto.js';
import type { AutoRetryDeps } from '../../src/core/retry/retry.js';
import { UserError } from '../../src/errors.js';
import { testConfig } from '../helpers/plans.js';

/** Each capability and the methods it promises. */
const METHODS: Record<keyof BackendCapabilities, string[]> = {
  devMachines: ['stopDev', 'resumeDev', 'deleteDev'],
  publishKept: ['publish'],
  restart: ['resume'],
  images: ['baker'],
  launchPreview: ['describeLaunch', 'describeBoot'],
  preemptionCheck: ['wasPreempted'],
};

const TABLE: { kind: 'local' | 'gce'; has: (keyof BackendCapabilities)[] }[] = [
  // Local: dev machines are process groups here; a kept result is published in place by job.sh.
  { kind: 'local', has: ['devMachines', 'publishKept'] },
  // GCE: a kept result is published at the next boot of the stopped VM.
  { kind: 'gce', has: ['devMachines', 'restart', 'images', 'launchPreview', 'preemptionCheck'] },
];

describe('backend kind → capabilities', () => {
  for (const row of TABLE)
    it(`${row.kind}: ${row.has.join(', ')}`, () => {
      const b = createBackend({ backend: row.kind }, '/nonexistent/mymlops-home');
      assert.equal(b.kind, row.kind);
      const caps = b.capabilities as unknown as Record<string, Record<string, unknown> | null>;
      assert.deepEqual(Object.keys(caps).sort(), Object.keys(METHODS).sort());
      const declared = Object.keys(caps).filter((k) => caps[k] !== null);
      assert.deepEqual(declared.sort(), [...row.has].sort());
      for (const [cap, methods] of Object.entries(METHODS)) {
        const c = caps[cap];
        for (const m of methods) {
          // A capability it lacks is not there as a method either: nothing to call by accident.
          const method = (b as unknown as Record<string, unknown>)[m];
          if (c) assert.equal(typeof c[m], 'function', `${row.kind}.${cap}.${m}`);
          else assert.equal(method, undefined, `${row.kind} has ${m} without ${cap}`);
        }
      }
    });
});

function fake(machines: Machine[], capabilities: Partial<BackendCapabilities> = {}): ComputeBackend {
  return {
    kind: 'local',
    ...onePlacement(async () => assert.fail('no launch expected')),
    list: async () => machines,
    readLog: async () => ({ text: '', next: 0, done: true }),
    cancel: async () => assert.fail('no cancel expected'),
    capabilities: { ...NO_CAPABILITIES, ...capabilities },
  };
}

const record: LaunchRecord = {
  commit: '20250101_000001',
  backend: 'local',
  machine: 'mymlops-20250101-000001',
  zone: null,
  notebook: 'nb/a.ipynb',
  notes: null,
  repository: { url: 'git@github.com:me/repo.git', branch: 'main' },
  output_repository: { url: 'git@github.com:me/out.git', branch: 'master' },
  source_commit: 'f'.repeat(40),
  attempt: 1,
  created_at: '2025-01-01T00:00:01Z',
};
const kept = commitMachine({
  name: record.machine,
  commitId: record.commit,
  state: 'stopped',
  ended: { status: 'failed', published: false, publishError: null },
});

const noDeps = new Proxy({} as AutoRetryDeps, {
  get: (_, k) => () => assert.fail(`deps.${String(k)} called`),
});

describe('a backend without a capability: the same messages as before', () => {
  const running = devMachine({ name: 'dev1' });
  const stopped = devMachine({ name: 'dev1', state: 'stopped' });
  const cases: { name: string; run: () => Promise<unknown>; message: string }[] = [
    {
      name: 'stop',
      run: () => stopDev('dev1', { backend: fake([running]), known: [] }),
      message: 'the local backend cannot stop dev machines',
    },
    {
      name: 'delete',
      run: () => deleteDev('dev1', { backend: fake([running]), known: [] }, { yes: true }),
      message: 'the local backend cannot delete dev machines',
    },
    {
      name: 'resume',
      run: () => resumeDev(stopped, fake([stopped])),
      message: 'the local backend cannot resume dev machines',
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      await assert.rejects(c.run(), (e: unknown) => {
        assert.ok(e instanceof UserError);
        assert.equal(e.line(), `mymlops: ${c.message} — use the cloud console`);
        return true;
      });
    });

  it('publish of a kept result', async () => {
    assert.deepEqual(await publishKept(record, fake([kept])), {
      kind: 'failed',
      message: 'the local backend cannot publish a kept result',
    });
  });

  it('a followed job that stopped is not relaunched without a preemption check', async () => {
    const config = testConfig('gce');
    const r = await followWithRetry({
      config: { ...config, commit: { ...config.commit!, retry: { preempted: 2 } } },
      commitId: record.commit,
      backend: fake([]),
      machineName: record.machine,
      deps: noDeps,
      write: () => {},
      notify: () => assert.fail('nothing to say'),
    });
    assert.deepEqual({ outcome: r.outcome, retries: r.retries }, { outcome: null, retries: 0 });
  });
});

describe('a backend with a capability: callers use it', () => {
  it('dev machines: stop, delete and resume go to the capability', async () => {
    const calls: string[] = [];
    const devMachines = {
      stopDev: async (n: string) => void calls.push(`stop ${n}`),
      deleteDev: async (n: string) => void calls.push(`delete ${n}`),
      resumeDev: async (n: string) => {
        calls.push(`resume ${n}`);
        return { ok: true as const, value: devMachine({ name: n }) };
      },
    };
    const b = (m: Machine) => fake([m], { devMachines });
    const running = devMachine({ name: 'dev1' });
    const stopped = devMachine({ name: 'dev1', state: 'stopped' });
    assert.equal((await stopDev('dev1', { backend: b(running), known: [] })).state, 'stopped');
    assert.equal(await deleteDev('dev1', { backend: b(running), known: [] }, { yes: true }), running);
    assert.equal((await resumeDev(stopped, b(stopped))).state, 'running');
    assert.deepEqual(calls, ['stop dev1', 'delete dev1', 'resume dev1']);
  });

  it('kept results: published in place, else the machine restarted', async () => {
    const store = { url: 'gs://b/x', min_mb: 10 };
    const published = await publishKept(
      record,
      fake([kept], {
        publishKept: {
          publish: async (m, s) => {
            assert.deepEqual([m, s], [record.machine, store]);
            return { code: 'published', published: true, message: null, status: 'succeeded' };
          },
        },
      }),
      store,
    );
    assert.deepEqual(published, { kind: 'published', status: 'succeeded' });
    const booting = await publishKept(
      record,
      fake([kept], { restart: { resume: async () => ({ zone: 'us-east1-b' }) } }),
      store,
    );
    assert.deepEqual(booting, { kind: 'booting', machine: record.machine, zone: 'us-east1-b' });
  });

  it('preemption check: asked about the followed machine; "no" ends the follow', async () => {
    const asked: string[] = [];
    const config = testConfig('gce');
    const r = await followWithRetry({
      config: { ...config, commit: { ...config.commit!, retry: { preempted: 2 } } },
      commitId: record.commit,
      backend: fake([], {
        preemptionCheck: {
          wasPreempted: async (m) => {
            asked.push(m);
            return false;
          },
        },
      }),
      machineName: record.machine,
      deps: noDeps,
      write: () => {},
      notify: () => assert.fail('nothing to say'),
    });
    assert.deepEqual(asked, [record.machine]);
    assert.equal(r.retries, 0);
  });
});
