// Unified diff text of hunks: the one renderer of hunk headers the CLI and the dashboard use (no
// diff library here, so the page's bundle does not carry one).

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** ' x' unchanged, '-x' removed, '+x' added, '\ No newline at end of file'. */
  lines: string[];
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
