// Everything mymlops keeps under MYMLOPS_HOME (launch records, job logs, the output repository's
// mirror, caches) is private to the user: folders 0700, files 0600. The CLI sets umask 077 first
// (bin/mymlops.cjs), so files made by git or a job are private too; these helpers say it where
// a file is made, and `tightenHome` fixes homes made by an earlier version, once per version.
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOME } from './home-layout.js';

export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

export function mkdirPrivate(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR });
}

export function writeFilePrivate(
  path: string,
  data: string | NodeJS.ArrayBufferView,
  opts: { flag?: string; mode?: number } = {},
): void {
  const mode = privateMode(opts.mode ?? PRIVATE_FILE);
  writeFileSync(path, data, { ...opts, mode });
  // `mode` applies only when the file is created: an existing file is tightened as well.
  chmodSync(path, mode);
}

/** The permission bits a path under the home should have: group and other bits removed. */
export const privateMode = (mode: number): number => mode & 0o7700;

/** Removes group/other permissions from every folder and file under `root` (symlinks untouched). */
export function tightenTree(root: string): number {
  let changed = 0;
  const visit = (p: string): void => {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(p);
    } catch {
      return; // removed meanwhile
    }
    if (st.isSymbolicLink()) return;
    const mode = st.mode & 0o7777;
    if ((mode & 0o077) !== 0) {
      try {
        chmodSync(p, privateMode(mode));
        changed++;
      } catch {}
    }
    if (st.isDirectory()) {
      let names: string[] = [];
      try {
        names = readdirSync(p);
      } catch {}
      for (const n of names) visit(join(p, n));
    }
  };
  visit(root);
  return changed;
}

/**
 * Once per version (a stamp file, so the launch path pays one `existsSync`): a home made by an
 * earlier version, or before umask was set, is made private.
 */
export function tightenHome(home: string, version: string): void {
  const stamp = HOME.privateStamp(home, version);
  if (existsSync(stamp) || !existsSync(home)) return;
  tightenTree(home);
  try {
    writeFileSync(stamp, '', { mode: PRIVATE_FILE });
  } catch {}
}
