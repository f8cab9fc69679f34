// Instances → Machine (pure): the shared status model's view of a GCE VM.
import type { JobEnd, Machine } from '../../../core/model.js';
import { type InstanceResource, lastSegment } from '../../gce/client.js';
import { vmStatus } from '../../gce/vm-status.js';
import { isHalted } from '../../../core/machine-state.js';
import { isCommitId } from '../../../core/commit/ids.js';
import { commitOfMachine } from '../../../core/logs/text.js';
import { RESERVED_KEYS } from './startup-script.js';

/** The original's `mymlops-<key>` metadata, without the job payload and keys. */
export function commitMetadata(inst: InstanceResource): Record<string, string> {
  const out: Record<string, string> = {};
  for (const it of inst.metadata?.items ?? []) {
    if (!it.key.startsWith('mymlops-')) continue;
    const k = it.key.slice('mymlops-'.length);
    if ((RESERVED_KEYS as readonly string[]).includes(k) || k.startsWith('key-')) continue;
    out[k] = it.value;
  }
  return out;
}

/**
 * What the VM's metadata says of its job's end: the startup script sets `published` false (and
 * `publish_error`) when it stops the VM to keep a result it could not push, the job's status then
 * being failed (job.sh's "not published" contract); nothing else of the outcome lives on the VM.
 */
function keptResult(md: Record<string, string>): JobEnd | null {
  if (md['published'] !== 'false') return null;
  return { status: 'failed', published: false, publishError: md['publish_error'] ?? null };
}

/** `preempted` holds `zone/name` of VMs with a compute.instances.preempted operation. */
export function toMachine(zone: string, inst: InstanceResource, preempted: Set<string>): Machine {
  const status = vmStatus(inst.status);
  const state = status.state;
  const labels = inst.labels ?? {};
  const md = commitMetadata(inst);
  let reason: string | null = null;
  if (isHalted(status)) {
    reason = preempted.has(`${zone}/${inst.name}`)
      ? 'preempted'
      : md['stopped-by'] === 'you'
        ? 'by_you'
        : status.reason;
  }
  const natIP = inst.networkInterfaces?.[0]?.accessConfigs?.[0]?.natIP ?? null;
  const base = {
    name: inst.name,
    backend: 'gce' as const,
    zone,
    state,
    reason,
    createdAt: inst.creationTimestamp ? new Date(inst.creationTimestamp).toISOString() : null,
    machineType: lastSegment(inst.machineType) || null,
    accelerator: inst.guestAccelerators?.[0] ? lastSegment(inst.guestAccelerators[0].acceleratorType) : null,
    metadata: md,
  };
  if (labels['mymlops'] === 'start')
    return {
      ...base,
      kind: 'start',
      idle: null,
      dev: null,
      stoppedAt:
        state === 'stopped' && inst.lastStopTimestamp ? new Date(inst.lastStopTimestamp).toISOString() : null,
      deletesAt: null,
      sshTarget: natIP,
    };
  return {
    ...base,
    kind: 'commit',
    // The original's VMs name their commit id only in the VM name when their metadata says otherwise.
    commitId:
      [md['commit'], labels['mymlops-commit'], commitOfMachine(inst.name)].find(
        (v): v is string => typeof v === 'string' && isCommitId(v),
      ) ??
      md['commit'] ??
      labels['mymlops-commit'] ??
      null,
    ended: keptResult(md),
  };
}
