// A commit's launch with its record written first: `launching` before any create request is sent
// (machine, zone being tried, request id), `launched` once the backend confirms. A CLI that dies at
// any moment of the launch so leaves a record through which status, cancel and retry find the
// commit — and whether a machine can exist is known from it, so a rollback never strands one.
import { UserError } from '../../errors.js';
import type { CommitPlan, ComputeBackend, LaunchFailure, Launched } from '../ports/backend.js';
import type { LaunchRecord } from '../ports/launch-record.js';
import type { Result } from '../../errors.js';

export interface LaunchProgress {
  /** A create request has been sent (or is about to be): a machine may exist from now on. */
  sent: boolean;
  /** The record as last written. */
  record: LaunchRecord;
}

/** What a launch step tells the caller (the CLI logs it under --verbose; tests wait for it). */
export type LaunchStep =
  | { step: 'snapshot' }
  | { step: 'push' }
  | { step: 'launch'; commitId: string }
  | { step: 'insert'; machine: string; zone: string | null; requestId: string | null }
  | { step: 'launched'; machine: string; zone: string | null };

/**
 * Writes `rec` as `launching`, launches, and writes it `launched` with the zone that took the
 * machine. A failure returned by the backend means nothing was created; a throw after a request
 * was sent means a machine may exist: it becomes one line saying so (the record stays `launching`).
 */
export async function launchRecorded(o: {
  backend: ComputeBackend;
  plan: CommitPlan;
  rec: LaunchRecord;
  write(rec: LaunchRecord): void;
  progress: LaunchProgress;
  signal?: AbortSignal | undefined;
  onStep?: ((s: LaunchStep) => void) | undefined;
}): Promise<Result<Launched, LaunchFailure>> {
  const { progress } = o;
  const write = (rec: LaunchRecord) => {
    o.write(rec);
    progress.record = rec;
  };
  write({ ...o.rec, state: 'launching', machine: o.plan.machineName, zone: null, request_id: null });
  let r: Result<Launched, LaunchFailure>;
  try {
    r = await o.backend.launch(o.plan, {
      signal: o.signal,
      onAttempt: (a) => {
        write({ ...progress.record, zone: a.zone, request_id: a.requestId });
        progress.sent = true;
        o.onStep?.({ step: 'insert', machine: a.machine, zone: a.zone, requestId: a.requestId });
      },
    });
  } catch (e) {
    if (!progress.sent || !(e instanceof UserError)) throw e;
    const rec = progress.record;
    throw new UserError(
      `commit ${rec.commit} may be starting on ${rec.machine}${rec.zone ? ` in ${rec.zone}` : ''}: ${e.message}`,
      `see it with \`mymlops status\`; stop it with \`mymlops cancel ${rec.commit}\``,
      { exitCode: e.exitCode },
    );
  }
  if (!r.ok) return r;
  progress.sent = true; // the machine exists, whatever the backend told before
  write({ ...progress.record, state: 'launched', zone: r.value.machine.zone, request_id: null });
  o.onStep?.({ step: 'launched', machine: r.value.machine.name, zone: r.value.machine.zone });
  return r;
}
