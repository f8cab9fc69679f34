import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, classifyError, GceApiError, OperationError } from '../../../src/adapters/gce/errors.js';

const table: [string, { status?: number; codes: string[]; message: string }, string, string][] = [
  [
    'pool exhausted',
    { codes: ['ZONE_RESOURCE_POOL_EXHAUSTED'], message: 'The zone does not have enough resources' },
    'capacity',
    'zone',
  ],
  [
    'pool exhausted with details',
    { codes: ['ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS'], message: "… '(resource type:compute)'." },
    'capacity',
    'zone',
  ],
  [
    'insufficientCapacity reason',
    { status: 503, codes: ['insufficientCapacity'], message: 'x' },
    'capacity',
    'zone',
  ],
  ['preempted while creating', { codes: ['UNSUPPORTED_OPERATION'], message: 'x' }, 'other', 'zone'],
  ['resource not ready', { codes: ['RESOURCE_NOT_READY'], message: 'x' }, 'other', 'zone'],
  ['rate exceeded', { codes: ['RESOURCE_OPERATION_RATE_EXCEEDED'], message: 'x' }, 'other', 'zone'],
  [
    'regional quota (operation)',
    {
      codes: ['QUOTA_EXCEEDED'],
      message: "Quota 'NVIDIA_T4_GPUS' exceeded.  Limit: 1.0 in region us-central1.",
    },
    'quota',
    'region',
  ],
  [
    'regional quota (http)',
    {
      status: 403,
      codes: ['quotaExceeded'],
      message: "Quota 'CPUS' exceeded.  Limit: 24.0 in region us-east1.",
    },
    'quota',
    'region',
  ],
  [
    'global GPU quota',
    {
      status: 403,
      codes: ['quotaExceeded'],
      message: "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally.",
    },
    'quota',
    'global',
  ],
  ['vpc missing', { codes: ['VPC_NOT_FOUND'], message: 'x' }, 'config', 'global'],
  ['iam denied', { codes: ['IAM_PERMISSION_DENIED'], message: 'x' }, 'permission', 'global'],
  [
    'forbidden',
    { status: 403, codes: ['forbidden'], message: "Required 'compute.instances.create' permission" },
    'permission',
    'global',
  ],
  [
    'unauthenticated',
    { status: 401, codes: ['required'], message: 'missing credential' },
    'permission',
    'global',
  ],
  [
    'snapshot missing',
    {
      status: 404,
      codes: ['notFound'],
      message: "The resource 'projects/p/global/snapshots/s' was not found",
    },
    'config',
    'global',
  ],
  [
    'not found or unauthorized',
    { codes: ['RESOURCE_NOT_FOUND'], message: 'not found or access is unauthorized' },
    'other',
    'zone',
  ],
  [
    'machine type not in zone',
    { status: 400, codes: ['invalid'], message: "Machine type with name 'a2' does not exist in zone 'z'." },
    'config',
    'zone',
  ],
  [
    'other invalid request',
    { status: 400, codes: ['invalid'], message: 'Invalid value for field resource.labels' },
    'config',
    'global',
  ],
  ['unparsed', { codes: ['SOMETHING_NEW'], message: '?' }, 'other', 'zone'],
  // Rate limits: neither a regional quota nor a permission, however they are worded.
  [
    '403 rateLimitExceeded',
    { status: 403, codes: ['rateLimitExceeded'], message: 'Rate Limit Exceeded' },
    'rate',
    'global',
  ],
  [
    '403 userRateLimitExceeded',
    { status: 403, codes: ['userRateLimitExceeded'], message: 'User Rate Limit Exceeded' },
    'rate',
    'global',
  ],
  [
    '429 per-minute quota',
    {
      status: 429,
      codes: ['rateLimitExceeded'],
      message:
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'compute.googleapis.com' for consumer 'project_number:1'.",
    },
    'rate',
    'global',
  ],
  ['429 without a reason', { status: 429, codes: [], message: 'Too Many Requests' }, 'rate', 'global'],
  ['no code at all', { status: 500, codes: [], message: '?' }, 'other', 'zone'],
];

for (const [name, input, kind, scope] of table) {
  test(`classify: ${name}`, () => {
    const c = classify(input);
    assert.equal(c.kind, kind);
    assert.equal(c.scope, scope);
  });
}

test('classifyError reads HTTP reasons and operation codes', () => {
  const http = classifyError(
    new GceApiError(
      403,
      "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally.",
      [{ reason: 'quotaExceeded' }],
      '',
    ),
  );
  assert.deepEqual([http.code, http.scope], ['quotaExceeded', 'global']);
  const op = classifyError(
    new OperationError([{ code: 'ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS', message: 'no room' }], 503),
  );
  assert.deepEqual(
    [op.code, op.kind, op.scope, op.message],
    ['ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS', 'capacity', 'zone', 'no room'],
  );
});
