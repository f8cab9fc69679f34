// doctor's pure parts, table-driven: which checks run and what each needs, the quota metric of a
// GPU (Google's names from the Compute Engine GPU quota table), the quota and zone verdicts, the
// exit decision and the printed line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blockedBy,
  canCommit,
  type CheckResult,
  gpuMetric,
  offerVerdict,
  planChecks,
  quotaVerdict,
  resultLine,
  skipped,
} from '../../../src/core/doctor/checks.js';

describe('gpuMetric: the regional quota a GPU counts against', () => {
  const table: [string, boolean, string][] = [
    ['nvidia-tesla-t4', false, 'NVIDIA_T4_GPUS'],
    ['nvidia-tesla-t4', true, 'PREEMPTIBLE_NVIDIA_T4_GPUS'],
    ['nvidia-l4', false, 'NVIDIA_L4_GPUS'],
    ['nvidia-tesla-v100', false, 'NVIDIA_V100_GPUS'],
    ['nvidia-tesla-a100', true, 'PREEMPTIBLE_NVIDIA_A100_GPUS'],
    ['nvidia-a100-80gb', false, 'NVIDIA_A100_80GB_GPUS'],
    ['nvidia-h100-80gb', false, 'NVIDIA_H100_GPUS'],
  ];
  for (const [acc, pre, metric] of table)
    it(`${acc}${pre ? ' (spot)' : ''} → ${metric}`, () => assert.equal(gpuMetric(acc, pre), metric));
});

describe('quotaVerdict', () => {
  const q = (metric: string, limit: number, usage = 0) => ({ metric, limit, usage });
  const base = { project: 'p', accelerator: 'nvidia-tesla-t4', count: 1 };
  const table: {
    name: string;
    spot: boolean;
    regions: { region: string; quotas: ReturnType<typeof q>[] }[];
    project: ReturnType<typeof q>[];
    state: 'ok' | 'fail';
    detail: RegExp;
  }[] = [
    {
      name: 'a new project: GPUS_ALL_REGIONS 0 fails whatever the regions allow',
      spot: true,
      regions: [{ region: 'us-central1', quotas: [q('PREEMPTIBLE_NVIDIA_T4_GPUS', 4)] }],
      project: [q('GPUS_ALL_REGIONS', 0)],
      state: 'fail',
      detail: /GPUS_ALL_REGIONS allows 0 more/,
    },
    {
      name: 'spot uses the preemptible metric',
      spot: true,
      regions: [
        { region: 'us-central1', quotas: [q('PREEMPTIBLE_NVIDIA_T4_GPUS', 1), q('NVIDIA_T4_GPUS', 0)] },
      ],
      project: [q('GPUS_ALL_REGIONS', 1)],
      state: 'ok',
      detail: /fit in us-central1/,
    },
    {
      name: 'spot falls back to the standard metric',
      spot: true,
      regions: [
        { region: 'us-east1', quotas: [q('PREEMPTIBLE_NVIDIA_T4_GPUS', 0), q('NVIDIA_T4_GPUS', 2, 1)] },
      ],
      project: [],
      state: 'ok',
      detail: /fit in us-east1$/,
    },
    {
      name: 'standard VMs never use the preemptible metric',
      spot: false,
      regions: [{ region: 'us-east1', quotas: [q('PREEMPTIBLE_NVIDIA_T4_GPUS', 8), q('NVIDIA_T4_GPUS', 0)] }],
      project: [q('GPUS_ALL_REGIONS', 8)],
      state: 'fail',
      detail: /no free NVIDIA_T4_GPUS quota for 1 GPU\(s\) in us-east1 \(0\)/,
    },
    {
      name: 'usage counts: a full region is no room',
      spot: false,
      regions: [
        { region: 'us-east1', quotas: [q('NVIDIA_T4_GPUS', 2, 2)] },
        { region: 'us-west1', quotas: [q('NVIDIA_T4_GPUS', 1, 0)] },
      ],
      project: [q('GPUS_ALL_REGIONS', 4, 2)],
      state: 'ok',
      detail: /fit in us-west1; GPUS_ALL_REGIONS 2 free/,
    },
  ];
  for (const t of table)
    it(t.name, () => {
      const v = quotaVerdict({ ...base, spot: t.spot, regions: t.regions, projectQuotas: t.project });
      assert.equal(v.state, t.state);
      assert.match(v.detail, t.detail);
      if (t.state === 'fail')
        assert.match(v.fix ?? '', /console\.cloud\.google\.com\/iam-admin\/quotas\?project=p/);
    });
});

describe('offerVerdict', () => {
  it('names the zones that offer both, or where the GPU is', () => {
    const o = {
      zoneRegex: /^us-/,
      regexSource: '^us-',
      machineType: 'n1-standard-8',
      accelerator: 'nvidia-l4',
    };
    const ok = offerVerdict({
      ...o,
      machineZones: ['us-west1-b', 'us-east1-c', 'eu-west4-a'],
      acceleratorZones: ['us-west1-b'],
    });
    assert.deepEqual([ok.state, ok.detail], ['ok', 'n1-standard-8 with nvidia-l4 in us-west1-b']);
    const none = offerVerdict({ ...o, machineZones: ['us-east1-c'], acceleratorZones: ['us-west1-b'] });
    assert.equal(none.state, 'fail');
    assert.match(
      none.detail,
      /no zone matching '\^us-' offers n1-standard-8 with nvidia-l4 \(nvidia-l4 is offered in us-west1-b\)/,
    );
  });
});

describe('the plan and the exit decision', () => {
  it('local configs check only the repositories; no GPU, no quota check', () => {
    assert.deepEqual(
      planChecks({ backend: 'local', accelerator: null }).map((c) => c.id),
      ['code-repo', 'output-repo'],
    );
    assert.ok(!planChecks({ backend: 'gce', accelerator: null }).some((c) => c.id === 'quota'));
    assert.ok(planChecks({ backend: 'gce', accelerator: 'nvidia-l4' }).some((c) => c.id === 'quota'));
  });

  it('a check whose need failed is skipped, and a skipped blocking check stops a commit', () => {
    const specs = planChecks({ backend: 'gce', accelerator: 'nvidia-l4' });
    const api = specs.find((s) => s.id === 'api')!;
    const quota = specs.find((s) => s.id === 'quota')!;
    const failed: CheckResult = {
      id: 'api',
      label: api.label,
      state: 'fail',
      detail: 'off',
      fix: 'on',
      blocking: true,
    };
    const offer = specs.find((s) => s.id === 'offer')!;
    const by = blockedBy(offer, [failed])!;
    assert.equal(by.id, 'api');
    const skip = skipped(offer, by);
    assert.equal(blockedBy(quota, [failed, skip])?.id, 'offer');
    assert.equal(canCommit([failed]), false);
    assert.equal(
      canCommit([
        { ...failed, state: 'ok' },
        { ...skip, state: 'ok' },
      ]),
      true,
    );
    assert.equal(
      resultLine(skip),
      '– machine type and GPU on offer: not checked: Compute Engine API failed first',
    );
  });

  it('prices failing is shown but does not stop a commit', () => {
    const prices: CheckResult = {
      id: 'prices',
      label: 'prices',
      state: 'fail',
      detail: 'no prices (x)',
      fix: 'check network',
      blocking: false,
    };
    assert.equal(canCommit([prices]), true);
    assert.equal(resultLine(prices), '✘ prices: no prices (x) — check network (a commit still runs)');
  });
});
