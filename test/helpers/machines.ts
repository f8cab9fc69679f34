// Listed machines with every field at its empty value, for tests that care about a few fields:
// adding a field to CommitMachine or DevMachine means changing this one place.
import type { CommitMachine, DevMachine, Machine } from '../../src/core/model.js';

export function commitMachine(fields: Partial<CommitMachine> & Pick<CommitMachine, 'name'>): CommitMachine {
  return {
    kind: 'commit',
    commitId: null,
    backend: 'local',
    zone: null,
    state: 'running',
    reason: null,
    createdAt: null,
    machineType: null,
    accelerator: null,
    metadata: {},
    ended: null,
    ...fields,
  };
}

export function devMachine(fields: Partial<DevMachine> & Pick<DevMachine, 'name'>): DevMachine {
  return {
    kind: 'start',
    backend: 'local',
    zone: null,
    state: 'running',
    reason: null,
    createdAt: null,
    machineType: null,
    accelerator: null,
    metadata: {},
    idle: null,
    dev: null,
    stoppedAt: null,
    deletesAt: null,
    sshTarget: null,
    ...fields,
  };
}

/** The listed machine running commit `id` (the first one listed). */
export function machineOfCommit(machines: readonly Machine[], id: string | null): CommitMachine | undefined {
  return machines.find((m): m is CommitMachine => m.kind === 'commit' && m.commitId === id);
}

/** The listed dev machine named `name`. */
export function devNamed(machines: readonly Machine[], name: string): DevMachine | undefined {
  return machines.find((m): m is DevMachine => m.kind === 'start' && m.name === name);
}
