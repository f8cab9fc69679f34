// NAME or commit ID → a listed machine, whoever launched it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commitOfListed, machineByNameOrCommit } from '../../src/core/machine-match.js';
import type { CommitMachine } from '../../src/core/model.js';
import { commitMachine, devMachine } from '../helpers/machines.js';

function m(name: string, o: Partial<CommitMachine> = {}): CommitMachine {
  return commitMachine({ name, backend: 'gce', zone: 'us-east1-c', ...o });
}

const machines = [
  // The original's VM: its commit only in its name.
  m('mymlops-20261204-174509'),
  // Ours, two attempts: the stopped first one and the running second one.
  m('mymlops-20261204-180000', {
    commitId: '20261204_180000',
    state: 'stopped',
    createdAt: '2026-12-04T18:00:00Z',
  }),
  m('mymlops-20261204-180000-a2', { commitId: '20261204_180000', createdAt: '2026-12-04T18:20:00Z' }),
  devMachine({ name: 'notebook-box', backend: 'gce', zone: 'us-east1-c' }),
  m('mymlops-20261204-190000', { commitId: '20261204_190000', state: 'gone' }),
];

const table: [id: string, want: string | undefined][] = [
  ['mymlops-20261204-174509', 'mymlops-20261204-174509'],
  ['20261204_174509', 'mymlops-20261204-174509'],
  ['20261204_180000', 'mymlops-20261204-180000-a2'],
  ['mymlops-20261204-180000', 'mymlops-20261204-180000'],
  ['notebook-box', 'notebook-box'],
  ['20261204_190000', undefined],
  ['20250101_000000', undefined],
];
for (const [id, want] of table)
  test(`${id} → ${want ?? 'none'}`, () => {
    assert.equal(machineByNameOrCommit(id, machines)?.name, want);
  });

test('the commit of a listed machine: recorded, else from its name; none for a dev machine', () => {
  assert.equal(commitOfListed(machines[0]!), '20261204_174509');
  assert.equal(commitOfListed(machines[2]!), '20261204_180000');
  assert.equal(commitOfListed(machines[3]!), null);
});
