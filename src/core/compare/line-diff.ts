// A line diff of two texts as hunks (jsdiff's Myers diff), and the unified-diff text of hunks:
// the one renderer the CLI prints and the dashboard's code view parses back line by line.
import { diffChars, structuredPatch } from 'diff';

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** ' x' unchanged, '-x' removed, '+x' added, '\ No newline at end of file'. */
  lines: string[];
}

/** Hunks turning `a` into `b` with `context` unchanged lines around each change; [] when equal. */
export function lineHunks(a: string, b: string, context = 3): Hunk[] {
  if (a === b) return [];
  const p = structuredPatch('a', 'b', a, b, undefined, undefined, { context });
  return p.hunks.map((x) => ({
    oldStart: x.oldStart,
    oldLines: x.oldLines,
    newStart: x.newStart,
    newLines: x.newLines,
    lines: x.lines,
  }));
}

// An empty side is numbered from the line before it (`@@ -0,0 +1 @@`), as git and GNU diff do;
// jsdiff's hunks keep the 1-based start there.
const range = (start: number, n: number) =>
  n === 1 ? `${start}` : n === 0 ? `${Math.max(0, start - 1)},0` : `${start},${n}`;

export function hunkHeader(h: Hunk): string {
  return `@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`;
}

/** Unified diff text: `--- old` / `+++ new` headers (when names are given), then each hunk. */
export function renderUnified(hunks: readonly Hunk[], names?: { old: string; new: string }): string {
  if (hunks.length === 0) return '';
  const out: string[] = names ? [`--- ${names.old}`, `+++ ${names.new}`] : [];
  for (const h of hunks) out.push(hunkHeader(h), ...h.lines);
  return `${out.join('\n')}\n`;
}

/**
 * How alike two texts are, 0…1: twice the characters they share over their total length. Long
 * texts are compared line by line (a character diff of two large cells is quadratic at worst).
 */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const total = a.length + b.length;
  if (total === 0) return 1;
  if (total > 8000) {
    const la = a.split('\n');
    const lb = new Set(b.split('\n'));
    const common = la.filter((l) => lb.has(l)).reduce((n, l) => n + l.length + 1, 0);
    return Math.min(1, (2 * common) / (total + 2));
  }
  const common = diffChars(a, b)
    .filter((c) => !c.added && !c.removed)
    .reduce((n, c) => n + c.value.length, 0);
  return (2 * common) / total;
}
