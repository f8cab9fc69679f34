// Whether a folder sits on a disk with no room left: a job that wrote nothing (not even its result
// line) on such a disk was not killed, it could not write.
import { statfsSync } from 'node:fs';

/** Less than this many free bytes counts as full (a notebook or a log line no longer fits). */
const FULL_BELOW_BYTES = 1024 * 1024;

export function diskIsFull(
  path: string,
  statfs: (p: string) => { bavail: number | bigint; bsize: number | bigint } = statfsSync,
): boolean {
  try {
    const s = statfs(path);
    return Number(s.bavail) * Number(s.bsize) < FULL_BELOW_BYTES;
  } catch {
    return false;
  }
}
