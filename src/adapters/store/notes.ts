// Notes that should be said once, not at every command: the last one said is remembered under
// <home>/cache/notes/<topic>; saying null forgets it, so the note comes back when the cause returns.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HOME } from '../../util/home-layout.js';

/** Pure: whether `note` must be said, given the one last said on this topic. */
export function shouldSay(note: string | null, lastSaid: string | null): boolean {
  return note !== null && note !== lastSaid;
}

export function sayOnce(home: string, topic: string, note: string | null, say: (line: string) => void): void {
  const file = HOME.note(home, topic);
  let last: string | null = null;
  try {
    last = readFileSync(file, 'utf8');
  } catch {}
  if (note === null) {
    if (last !== null) rmSync(file, { force: true });
    return;
  }
  if (!shouldSay(note, last)) return;
  say(note);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, note);
  } catch {
    // Read-only home: the note is said again next time, which is harmless.
  }
}
