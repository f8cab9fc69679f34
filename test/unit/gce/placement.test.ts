// placePlan: a launch attempt's zone, price and earlier failures, added as a new plan value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Config } from '../../../src/config/types.js';
import { planStart } from '../../../src/core/devvm/plan.js';
import { placePlan } from '../../../src/core/zones/placement.js';
import { GCE_INSTANCE, testCommitPlan, testConfig } from '../../helpers/plans.js';
import { readStartScript } from '../../../src/adapters/assets.js';

test('placePlan fills zone, hourly price and zones tried without touching the plan it is given', () => {
  const plan = testCommitPlan('20250101_000001', {}, { attempt: 2 });
  const before = structuredClone(plan);
  const tried = [
    { zone: 'us-east1-b', code: 'ZONE_RESOURCE_POOL_EXHAUSTED', message: 'm', scope: 'zone' as const },
  ];
  const placed = placePlan(plan, { zone: 'us-east1-c', hourlyUsd: 0.42, zonesTried: tried });
  assert.deepEqual(plan, before, 'the planned value is unchanged');
  assert.equal(placed.kind, 'commit');
  if (placed.kind !== 'commit') return;
  assert.deepEqual(placed.jobConfig.machine, {
    ...plan.jobConfig.machine,
    zone: 'us-east1-c',
    hourly_usd: 0.42,
  });
  assert.deepEqual(placed.jobConfig.metadata, {
    ...plan.jobConfig.metadata,
    zone: 'us-east1-c',
    zones_tried: tried,
  });
  assert.equal(placed.jobConfig.machine.instance, 'mymlops-20250101-000001-a2', 'the planner named it');
  tried.push({ ...tried[0]!, zone: 'us-east1-d' });
  assert.equal(placed.jobConfig.metadata.zones_tried?.length, 1, 'later failures do not leak into it');
});

test('placePlan leaves a dev machine plan as it is', () => {
  const config: Config = {
    ...testConfig('gce'),
    start: {
      command: 'jupyter lab',
      repository: { url: 'u', branch: 'main', deploy_key: undefined },
      instance: GCE_INSTANCE,
      idle_shutdown: {
        timeout: 0,
        delete_after: null,
        interval: 60,
        cpu_threshold: 10,
        gpu_threshold: 10,
        action: 'stop',
        jupyter_port: null,
        count_ssh_sessions: 'all',
      },
    },
  };
  const plan = planStart({ config, name: 'dev-a', jobScript: readStartScript() });
  assert.equal(placePlan(plan, { zone: 'z', hourlyUsd: 1, zonesTried: [] }), plan);
});
