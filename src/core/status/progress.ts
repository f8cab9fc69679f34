// Running commits' progress (read from refs/mymlops/progress/<id>, off the output branch) laid over
// the branch's results: the branch holds one commit per result, so a progress record stands for
// its commit until a result of the same attempt (or a later one) is on the branch.
import type { OutputRecord } from './types.js';

/** Where a running commit's progress lives in the output repository: `<prefix><commit id>`. */
export const PROGRESS_PREFIX = 'refs/mymlops/progress/';

const attempt = (r: OutputRecord) => r.metadata?.attempt ?? 1;

export function withProgress(branch: OutputRecord[], progress: OutputRecord[]): OutputRecord[] {
  if (progress.length === 0) return branch;
  const out = [...branch];
  const at = new Map(branch.map((r, i) => [r.id, i]));
  for (const p of progress) {
    const i = at.get(p.id);
    if (i === undefined) out.push(p);
    else if (attempt(p) > attempt(out[i]!)) out[i] = p;
  }
  return out;
}
