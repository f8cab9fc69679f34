// The one way mymlops replaces a file that others may read or write at the same time (launch
// records, the status index, the price cache, tunnel ports): write a temporary file next to it,
// then rename it over the target, so a reader sees the old or the new content, never half of
// either. The temporary name is unique per call (pid, counter, random), so two writers — other
// processes, or the same one twice — never write into or rename each other's file.
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';

let counter = 0;

/** A temporary name next to `path`, unique to this call (for content written as a stream). */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${++counter}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Puts a finished temporary file (tempPathFor) in place of `path`. */
export function moveIntoPlace(tmp: string, path: string): void {
  renameSync(tmp, path);
}

export function writeFileAtomic(path: string, data: string, opts: { mode?: number } = {}): void {
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data, opts.mode === undefined ? {} : { mode: opts.mode });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
