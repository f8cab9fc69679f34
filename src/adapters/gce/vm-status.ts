// What a Compute Engine instance `status` means to mymlops: the one table every reader of a VM's
// status goes through (the status model, zone load, the preemption look-up, following the serial
// log, cancelling, baking an image). The keys are exactly the v1 Instance.status enum of the
// generated types (compute-v1.gen.ts); test/unit/gce/vm-status.test.ts holds the table to that enum.
// The states as Google describes them: https://cloud.google.com/compute/docs/instances/instance-lifecycle
// and the enum's reference text, quoted below from
// https://cloud.google.com/dotnet/docs/reference/Google.Cloud.Compute.V1/latest/Google.Cloud.Compute.V1.Instance.Types.Status
import type { MachineState } from '../../core/model.js';
import type { InstanceStatus } from './api-types.js';

export interface VmStatusMeaning {
  /** What `status` shows for the machine. */
  state: MachineState;
  /** Holds capacity in its zone: counted as load when zones are ranked for a launch. */
  usingZone: boolean;
  /** Its guest runs now: the job reads its metadata (a cancel request) and the serial port answers. */
  guestUp: boolean;
  /** May still write to its serial port; false once it has stopped (nothing more until started again). */
  writesOutput: boolean;
  /** Why a stopped or stopping machine stopped when nothing else (preemption, `stop`) says why. */
  reason: 'stopped' | 'suspended' | null;
}

const live = (state: MachineState, guestUp: boolean): VmStatusMeaning => ({
  state,
  usingZone: true,
  guestUp,
  writesOutput: true,
  reason: null,
});
const goingDown = (reason: 'stopped' | 'suspended'): VmStatusMeaning => ({
  state: 'stopping',
  usingZone: false,
  guestUp: false,
  // A stopping VM still writes: its job pushes what it has during the shutdown grace and prints how
  // it ended.
  writesOutput: true,
  reason,
});
const down = (reason: 'stopped' | 'suspended'): VmStatusMeaning => ({
  state: 'stopped',
  usingZone: false,
  guestUp: false,
  writesOutput: false,
  reason,
});

export const VM_STATUSES: Readonly<Record<InstanceStatus, VmStatusMeaning>> = {
  PROVISIONING: live('provisioning', false),
  STAGING: live('provisioning', false),
  RUNNING: live('running', true),
  // "The instance is in repair": Compute Engine repairs a RUNNING instance after a hardware error and
  // it returns to running (instance-lifecycle above). So it keeps its place in the zone and is not a
  // stopped machine (nothing relaunches or deletes it meanwhile), but its guest is unusable until then.
  REPAIRING: live('running', false),
  STOPPING: goingDown('stopped'),
  SUSPENDING: goingDown('stopped'),
  SUSPENDED: down('suspended'),
  TERMINATED: down('stopped'),
  STOPPED: down('stopped'),
  // "The instance is halted and we are performing tear down tasks like network deprogramming,
  // releasing quota, IP, tearing down disks": already stopped, its zone's capacity going back.
  DEPROVISIONING: down('stopped'),
};

/**
 * A status this table does not know (Google added a state after the generated types, e.g. a
 * graceful-shutdown or a wait-for-capacity state): treated as a machine that may still be working.
 * Nothing automatic acts on it (no preemption relaunch, no auto-delete of a stopped dev machine, no
 * publish of a stopped machine's results), it counts against its zone, its log keeps being followed,
 * and the user can still stop, cancel or delete it; only its guest is not assumed to answer.
 */
export const UNKNOWN_VM_STATUS: VmStatusMeaning = live('running', false);

export function vmStatus(status: string): VmStatusMeaning {
  return Object.hasOwn(VM_STATUSES, status) ? VM_STATUSES[status as InstanceStatus] : UNKNOWN_VM_STATUS;
}

export function machineState(status: string): MachineState {
  return vmStatus(status).state;
}
