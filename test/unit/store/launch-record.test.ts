// launch.json read back: one tolerant parser for every reader (retry, logs/cancel, local backend, status).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLaunchRecord } from '../../../src/core/ports/launch-record.js';

const full = {
  commit: '20240101_000000',
  backend: 'gce',
  machine: 'mymlops-20240101-000000-a2',
  zone: 'us-central1-a',
  notebook: 'nb/a.ipynb',
  notes: 'n',
  repository: { url: 'git@x:r.git', branch: 'main' },
  output_repository: { url: 'git@x:o.git', branch: 'master' },
  source_commit: 'abc',
  attempt: 2,
  created_at: '2024-01-01T00:00:01Z',
  artifacts: true,
  keep_machine: false,
};

test('launch records: what every reader gets back', () => {
  const table: [string, unknown, Record<string, unknown> | null][] = [
    ['a record as recordLaunch writes it', full, { ...full, state: 'launched', accelerator: null }],
    [
      'a hand-written one without output repository, attempt or source commit',
      { commit: full.commit, backend: 'local', machine: 'm', repository: { url: 'u', branch: 'b' } },
      {
        commit: full.commit,
        state: 'launched',
        backend: 'local',
        machine: 'm',
        zone: null,
        notebook: '',
        notes: null,
        repository: { url: 'u', branch: 'b' },
        output_repository: { url: '', branch: '' },
        source_commit: '',
        attempt: 1,
        created_at: '',
        accelerator: null,
      },
    ],
    ['no machine', { ...full, machine: undefined }, null],
    ['an unknown backend', { ...full, backend: 'aws' }, null],
    ['no commit', { ...full, commit: '' }, null],
    ['not an object', 'launch', null],
    ['null', null, null],
  ];
  for (const [what, raw, want] of table) assert.deepEqual(parseLaunchRecord(raw), want, what);
});
