// A commit's published job.log (`<id>/job.log` on the output branch), read through the output
// repository mirror: what `mymlops logs ID` prints on a machine that did not launch the commit, or
// once its machine is gone.
import type { Config } from '../../config/types.js';
import type { CommitMetadata } from '../../core/model.js';
import { outputRepoIndex } from './status-sources.js';

export interface PublishedLog {
  log: string;
  /** The folder's metadata.json: how the job ended (the log is pushed before its last lines). */
  metadata: Partial<CommitMetadata> | null;
}

/** The published job.log of `commitId`; null when the folder or its log is not on the branch. */
export async function readPublishedLog(
  config: Config,
  home: string,
  commitId: string,
): Promise<PublishedLog | null> {
  const index = outputRepoIndex(config, home);
  const snap = await index.refresh({ fetchMinIntervalMs: 0 });
  if (snap.head === null) return null;
  const log = await index.readFile(commitId, 'job.log');
  if (!log) return null;
  return {
    log: log.toString('utf8'),
    metadata: snap.records.find((r) => r.id === commitId)?.metadata ?? null,
  };
}
