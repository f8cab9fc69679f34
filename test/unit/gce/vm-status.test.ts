// The VM status table against its oracle, the Instance.status enum of the generated v1 types (made
// from Google's own definitions by `npm run gen:compute-types`), and every status as the readers of
// the table act on it: the status model, the preemption look-up and following the serial log.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toMachine } from '../../../src/adapters/backends/gce/machines.js';
import { readSerialLog } from '../../../src/adapters/backends/gce/serial-log.js';
import type { GceClient, InstanceResource } from '../../../src/adapters/gce/client.js';
import { WIRE_FIELDS } from '../../../src/adapters/gce/compute-v1.gen.js';
import { GceUnavailable } from '../../../src/adapters/gce/errors.js';
import { isHalted } from '../../../src/core/machine-state.js';
import {
  UNKNOWN_VM_STATUS,
  VM_STATUSES,
  type VmStatusMeaning,
  vmStatus,
} from '../../../src/adapters/gce/vm-status.js';

/** Google's values of Instance.status, as the generated types carry them at run time. */
const ENUM = (() => {
  const spec = WIRE_FIELDS['Instance']?.['status'];
  assert.match(spec ?? '', /^enum:/, 'the generated types describe Instance.status as an enum');
  return spec!.slice('enum:'.length).split('|');
})();

test('the table maps every value of the v1 Instance.status enum, and nothing else', () => {
  assert.ok(ENUM.length >= 8, `the enum has its values: ${ENUM.join(', ')}`);
  assert.deepEqual(Object.keys(VM_STATUSES).sort(), [...ENUM].sort());
});

test('the columns agree with each other for every status', () => {
  const rows: [string, VmStatusMeaning][] = [
    ...ENUM.map((s): [string, VmStatusMeaning] => [s, vmStatus(s)]),
    ['NOT_A_STATE', UNKNOWN_VM_STATUS],
  ];
  for (const [status, m] of rows) {
    const live = m.state === 'provisioning' || m.state === 'running';
    // Only a stopped machine writes nothing more; only a live one holds its zone or runs its guest.
    assert.equal(m.writesOutput, m.state !== 'stopped', `${status}: writesOutput`);
    if (m.usingZone) assert.ok(live, `${status}: a machine using its zone is live`);
    if (m.guestUp) assert.equal(m.state, 'running', `${status}: a guest runs only on a running machine`);
    assert.equal(m.reason === null, live, `${status}: a stop reason exactly when stopping or stopped`);
    assert.equal(isHalted(vmStatus(status)), !live, `${status}: isHalted`);
  }
});

test('a status Google adds later is treated as a machine that may still be working', () => {
  for (const s of ['PENDING_STOP', 'PENDING', '', 'running']) {
    const m = vmStatus(s);
    assert.deepEqual(m, UNKNOWN_VM_STATUS, s);
    // Never taken for stopped (nothing relaunches, deletes or publishes it), still counted in its
    // zone, its log still followed, and no cancel request sent to a guest that may not be there.
    assert.notEqual(m.state, 'stopped', s);
    assert.ok(m.usingZone && m.writesOutput && !m.guestUp, s);
  }
  // Not a prototype key either.
  assert.deepEqual(vmStatus('constructor'), UNKNOWN_VM_STATUS);
});

const instance = (status: string): InstanceResource => ({
  id: '1',
  name: 'mymlops-a',
  zone: 'https://x/zones/us-east1-c',
  status: status as InstanceResource['status'],
  machineType: 'https://x/zones/us-east1-c/machineTypes/n1-standard-4',
  creationTimestamp: '2024-11-07T03:53:40.000-08:00',
  lastStopTimestamp: '2024-11-07T05:00:00.000-08:00',
  labels: { mymlops: 'commit', 'mymlops-commit': '20241107_115340' },
});

test('status model: every status gives the table state, and a preemption counts exactly when halted', () => {
  for (const status of ENUM) {
    const m = vmStatus(status);
    const plain = toMachine('us-east1-c', instance(status), new Set());
    assert.equal(plain.state, m.state, status);
    assert.equal(plain.reason, m.reason, status);
    // listing.ts looks preemptions up only when some VM is halted: exactly the VMs they can explain.
    const preempted = toMachine('us-east1-c', instance(status), new Set(['us-east1-c/mymlops-a']));
    assert.equal(preempted.reason === 'preempted', isHalted(m), status);
  }
});

/** A client whose serial port answers `serial` and whose instance has `status`. */
function client(status: string, serial: 'unavailable' | 'empty'): () => Promise<GceClient> {
  const c = {
    getInstance: async () => instance(status),
    serialPort: async (_z: string, _n: string, from: number) => {
      if (serial === 'unavailable')
        throw new GceUnavailable('503 Service Unavailable', 'http://x/serialPort');
      return { contents: '', start: from, next: from };
    },
  };
  return async () => c as unknown as GceClient;
}

const logState = () => ({ ended: new Set<string>(), lastRead: new Map<string, number>(), logPollMs: 0 });

test('following the serial log: done exactly when the status writes no more output', async () => {
  for (const status of [...ENUM, 'SOME_NEW_STATE']) {
    const m = vmStatus(status);
    const empty = await readSerialLog(logState(), client(status, 'empty'), 'z', 'mymlops-a', 5);
    assert.deepEqual(empty, { text: '', next: 5, done: !m.writesOutput }, `${status}: no output`);
    // A 503 from the serial port: the end of a stopped VM, a pause of a stopping one, else an outage.
    const r = await readSerialLog(logState(), client(status, 'unavailable'), 'z', 'mymlops-a', 5).catch(
      (e: unknown) => e,
    );
    if (!m.writesOutput) assert.deepEqual(r, { text: '', next: 5, done: true }, status);
    else if (m.state === 'stopping') assert.deepEqual(r, { text: '', next: 5, done: false }, status);
    else assert.ok(r instanceof GceUnavailable, `${status}: a 503 of a live VM is an outage`);
  }
});
