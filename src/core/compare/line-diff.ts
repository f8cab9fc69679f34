// A line diff of two texts as hunks (jsdiff's Myers diff), and how alike two texts are.
import { diffChars, structuredPatch } from 'diff';
import type { Hunk } from './unified.js';

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
