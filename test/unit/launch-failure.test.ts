// The one table from launch failure to user message: every launch kind × failure code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchFailureError, type LaunchSubject } from '../../src/core/launch-failure.js';
import type { LaunchFailure } from '../../src/core/ports/backend.js';

const tried = [
  { zone: 'us-east1-b', code: 'ZONE_RESOURCE_POOL_EXHAUSTED', message: 'm', scope: 'zone' as const },
];
const f = (code: LaunchFailure['code'], message = 'boom'): LaunchFailure => ({
  code,
  message,
  zonesTried: tried,
});
const dev: LaunchSubject = { kind: 'start', name: 'dev-a' };

test('launch failures become one-line user errors with a fix', () => {
  const table: [LaunchSubject, LaunchFailure, string, string][] = [
    [
      { kind: 'commit' },
      f('no_capacity'),
      'could not start the job: boom',
      'see the message above; nothing was run',
    ],
    [
      { kind: 'commit' },
      f('exists'),
      'could not start the job: boom',
      'see the message above; nothing was run',
    ],
    [
      { kind: 'retry', commitId: '20250101_000001' },
      f('quota'),
      'could not relaunch commit 20250101_000001: boom',
      'try again later',
    ],
    [
      dev,
      f('exists', 'a dev machine named dev-a already exists'),
      'a dev machine named dev-a already exists',
      'pick another --name',
    ],
    [
      dev,
      f('no_capacity'),
      'no zone had capacity for dev VM dev-a (tried us-east1-b)',
      'try again later, or widen start.instance.zone_regex',
    ],
    [
      dev,
      f('quota'),
      'quota exceeded for dev VM dev-a (tried us-east1-b): boom',
      'ask for more quota, or pick another machine_type/accelerator',
    ],
    [
      dev,
      f('permission'),
      'not allowed to create dev VM dev-a: boom',
      'check the account and project (gcloud auth list)',
    ],
    [
      dev,
      f('config'),
      'could not start dev machine dev-a: boom',
      'fix the cause above and run mymlops start again',
    ],
    [
      dev,
      f('other'),
      'could not start dev machine dev-a: boom',
      'fix the cause above and run mymlops start again',
    ],
  ];
  for (const [s, failure, what, fix] of table) {
    const e = launchFailureError(s, failure);
    assert.deepEqual([e.message, e.fix], [what, fix], `${s.kind} ${failure.code}`);
  }
});
