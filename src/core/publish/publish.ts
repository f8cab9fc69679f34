// `mymlops publish ID`: push a result the job kept because its final push failed (see job.sh's
// "not published" contract), once the cause is fixed. Local: the backend runs job.sh's publish mode
// and waits. GCE: the stopped VM still holds the result on its disk; starting it runs publish mode
// at boot, and the VM deletes itself afterwards. Publishing is idempotent on the job's side (a tree
// equal to the tip's is not pushed again), so a second call never makes a second folder.
import type { ComputeBackend, PublishOutcome } from '../ports/backend.js';
import type { ArtifactStoreSetting } from '../ports/job-json.js';
import type { LaunchRecord } from '../ports/launch-record.js';
import { isLive, keepsUnpublished } from '../machine-state.js';

export type PublishAnswer =
  /** Nothing kept: published already, never failed to publish, or the machine is gone. */
  | { kind: 'nothing'; reason: string }
  | { kind: 'running' }
  /** Local: pushed now (or found there). */
  | { kind: 'published'; status: string | null }
  /** The push failed again: the result stays kept. */
  | { kind: 'failed'; message: string }
  /** GCE: the VM was started; it publishes at boot and deletes itself. */
  | { kind: 'booting'; machine: string; zone: string | null };

export async function publishKept(
  rec: LaunchRecord,
  backend: ComputeBackend,
  store: ArtifactStoreSetting | null = null,
): Promise<PublishAnswer> {
  const m = (await backend.list()).find((x) => x.name === rec.machine);
  if (m && isLive(m)) return { kind: 'running' };
  if (!keepsUnpublished(m))
    return {
      kind: 'nothing',
      reason: m ? 'its result was published (or its job never reached the push)' : 'its machine is gone',
    };
  const { publishKept, restart } = backend.capabilities;
  if (publishKept) return fromOutcome(await publishKept.publish(rec.machine, store));
  if (restart) {
    const { zone } = await restart.resume(rec.machine, store);
    return zone === null
      ? { kind: 'nothing', reason: 'its machine is gone' }
      : { kind: 'booting', machine: rec.machine, zone };
  }
  return { kind: 'failed', message: `the ${backend.kind} backend cannot publish a kept result` };
}

function fromOutcome(o: PublishOutcome): PublishAnswer {
  if (o.code === 'published') return { kind: 'published', status: o.status ?? null };
  if (o.code === 'running') return { kind: 'running' };
  return { kind: 'failed', message: o.message ?? 'the push failed' };
}
