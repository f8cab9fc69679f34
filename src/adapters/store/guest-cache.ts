// Readings of a VM's guest attribute shared by every process of this user (each dashboard tab's
// server, `status`): `<home>/cache/guest-attributes/<key>.json` holds the last reading and its
// time. Compute Engine allows 10 guest-attribute queries a minute per VM; one query per VM per
// window (30 s) whatever the number of readers: a reader claims the window atomically (O_EXCL
// claim file) and asks, the others use the last reading.
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR, PRIVATE_FILE } from '../../util/private-fs.js';
import { readJson, writeJson } from './jobs.js';
import { HOME } from '../../util/home-layout.js';

export const GUEST_READ_WINDOW_MS = 30_000;

export interface GuestReading {
  /** The attribute's value, null when it was not published (or could not be read). */
  value: string | null;
  /** When it was read (ms since the epoch). */
  read_at: number;
}

const safe = (key: string) => key.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * The reading of `key`: the cached one while it is younger than the window, else a fresh one from
 * `read` by the one reader that claims this window (the others get the cached one, possibly none).
 * `read` returns undefined when the query failed: the old value is kept until the next window.
 */
export async function cachedGuestReading(
  home: string,
  key: string,
  read: () => Promise<string | null | undefined>,
  now: () => number = Date.now,
  windowMs = GUEST_READ_WINDOW_MS,
): Promise<string | null> {
  const dir = HOME.guestAttributes(home);
  const file = join(dir, `${safe(key)}.json`);
  const cached = readJson<GuestReading>(file);
  const t = now();
  if (cached && t - cached.read_at < windowMs) return cached.value;
  const slot = Math.floor(t / windowMs);
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  try {
    writeFileSync(join(dir, `${safe(key)}.${slot}.claim`), '', { flag: 'wx', mode: PRIVATE_FILE });
  } catch {
    return cached?.value ?? null; // another reader asks in this window
  }
  const fresh = await read();
  const value = fresh === undefined ? (cached?.value ?? null) : fresh;
  writeJson(file, { value, read_at: t } satisfies GuestReading);
  dropOldClaims(dir, safe(key), slot);
  return value;
}

function dropOldClaims(dir: string, key: string, slot: number): void {
  try {
    for (const f of readdirSync(dir)) {
      const m = /^(.*)\.(\d+)\.claim$/.exec(f);
      if (m && m[1] === key && Number(m[2]) < slot) unlinkSync(join(dir, f));
    }
  } catch {
    // Claims of past windows are only clutter.
  }
}
