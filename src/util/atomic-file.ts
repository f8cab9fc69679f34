// The one way mymlops replaces a file that others may read or write at the same time (launch
// records, the status index, the price cache, tunnel ports): write a temporary file next to it,
// then rename it over the target, so a reader sees the old or the new content, never half of
// either. The temporary name is unique per call (pid, counter, random), so two writers — other
// processes, or the same one twice — never write into or rename each other's file.
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';

let counter = 0;

export function writeFileAtomic(path: string, data: string, opts: { mode?: number } = {}): void {
  const tmp = `${path}.${process.pid}.${++counter}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data, opts.mode === undefined ? {} : { mode: opts.mode });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
