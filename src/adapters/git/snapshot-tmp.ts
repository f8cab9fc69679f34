// Where a snapshot's scratch files live (a copy of the user's index lists every tracked path and
// blob id): under MYMLOPS_HOME/tmp, private, never in the shared /tmp. A process killed while it
// builds a snapshot leaves its folder behind; the next snapshot removes folders whose process is
// gone (the pid is in the name).
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mymlopsHome } from '../../util/paths.js';
import { mkdirPrivate } from '../../util/private-fs.js';
import { HOME } from '../../util/home-layout.js';

const PREFIX = 'snapshot-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the scratch folders of snapshots whose process died. */
export function sweepSnapshotTemp(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(/^snapshot-(\d+)-/.exec(n)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) rmSync(join(dir, n), { recursive: true, force: true });
  }
}

/** The prefix for mkdtemp: `<home>/tmp/snapshot-<pid>-`, after sweeping dead ones. */
export function snapshotTempDir(home: string = mymlopsHome()): string {
  const dir = HOME.tmp(home);
  mkdirPrivate(dir);
  sweepSnapshotTemp(dir);
  return join(dir, `${PREFIX}${process.pid}-`);
}
