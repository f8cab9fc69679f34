// A commit's launch with its record written first: `launching` before any create request is sent
// (machine, zone being tried, request id), `launched` once the backend confirms. A CLI that dies at
// any moment of the launch so leaves a record through which status, cancel and retry find the
// commit — and whether a machine can exist is known from it, so a rollback never strands one.
import { UserError } from '../../errors.js';
import type { CommitPlan, ComputeBackend, LaunchFailure, Launched, Placement } from '../ports/backend.js';
import { launchWithFailover } from '../launch/failover.js';
import type { LaunchRecord } from '../ports/launch-record.js';
import type { Result } from '../../errors.js';

/** What a launch step tells the caller (the CLI logs it under --verbose; tests wait for it). */
export type LaunchStep =
  | { step: 'snapshot' }
  | { step: 'push' }
  | { step: 'launch'; commitId: string }
  | { step: 'insert'; machine: string; zone: string | null; requestId: string | null }
  | { step: 'launched'; machine: string; zone: string | null };

/**
 * How a recorded launch ended, and what the caller's rollback needs to know: whether a create
 * request was sent (or was about to be) — from then on a machine may exist and nothing is undone.
 */
export interface RecordedLaunch {
  sent: boolean;
  /** The backend's answer, or what was thrown (the caller rethrows it after any rollback). */
  outcome: { result: Result<Launched, LaunchFailure> } | { thrown: unknown };
}

/**
 * Writes `rec` as `launching`, launches, and writes it `launched` with the zone that took the
 * machine. A failure returned by the launch means nothing was created; a throw after a request
 * was sent means a machine may exist: it becomes one line saying so (the record stays `launching`).
 * `write` is told whether a request was sent before it (a record that cannot be written is said
 * differently then).
 */
export async function launchRecorded(o: {
  backend: ComputeBackend;
  plan: CommitPlan;
  rec: LaunchRecord;
  write(rec: LaunchRecord, sent: boolean): void;
  /** The backend's placements, when the caller started looking them up early. */
  placements?: Promise<Placement[]> | undefined;
  signal?: AbortSignal | undefined;
  onStep?: ((s: LaunchStep) => void) | undefined;
}): Promise<RecordedLaunch> {
  let sent = false;
  let record: LaunchRecord = o.rec;
  const write = (rec: LaunchRecord) => {
    o.write(rec, sent);
    record = rec;
  };
  let r: Result<Launched, LaunchFailure>;
  try {
    write({ ...o.rec, state: 'launching', machine: o.plan.machineName, zone: null, request_id: null });
    r = await launchWithFailover(o.backend, o.plan, {
      ...(o.placements ? { placements: o.placements } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      onAttempt: (a) => {
        write({ ...record, zone: a.zone, request_id: a.requestId });
        sent = true;
        o.onStep?.({ step: 'insert', machine: a.machine, zone: a.zone, requestId: a.requestId });
      },
    });
  } catch (e) {
    if (!sent || !(e instanceof UserError)) return { sent, outcome: { thrown: e } };
    const thrown = new UserError(
      `commit ${record.commit} may be starting on ${record.machine}${record.zone ? ` in ${record.zone}` : ''}: ${e.message}`,
      `see it with \`mymlops status\`; stop it with \`mymlops cancel ${record.commit}\``,
      { exitCode: e.exitCode },
    );
    return { sent, outcome: { thrown } };
  }
  if (!r.ok) return { sent, outcome: { result: r } };
  sent = true; // the machine exists, whatever the backend told before
  try {
    write({ ...record, state: 'launched', zone: r.value.machine.zone, request_id: null });
  } catch (e) {
    return { sent, outcome: { thrown: e } };
  }
  o.onStep?.({ step: 'launched', machine: r.value.machine.name, zone: r.value.machine.zone });
  return { sent, outcome: { result: r } };
}
