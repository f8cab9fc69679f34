// Pure text rules for notebook outputs (unit-tested in node): what a terminal would show of a
// progress bar, and which lines of a long output stay visible while it is collapsed.

/** Progress bars (tqdm) rewrite a line with `\r`: keep what a terminal would show. */
export function collapseCarriageReturns(s: string): string {
  if (!s.includes('\r')) return s;
  return s
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      const parts = line.split('\r').filter((p) => p !== '');
      return parts[parts.length - 1] ?? '';
    })
    .join('\n');
}

/** Outputs longer than this are collapsed behind "show all". */
export const COLLAPSE_OVER_LINES = 200;
const HEAD_LINES = 30;
const TAIL_LINES = 70;

/**
 * A long output's visible head and tail (a training log's last lines matter most), and how many
 * lines sit between them; null when the output is short enough to show whole.
 */
export function collapsedParts(
  s: string,
): { head: string; tail: string; hidden: number; total: number } | null {
  const lines = s.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length <= COLLAPSE_OVER_LINES) return null;
  return {
    head: `${lines.slice(0, HEAD_LINES).join('\n')}\n`,
    tail: `${lines.slice(-TAIL_LINES).join('\n')}\n`,
    hidden: lines.length - HEAD_LINES - TAIL_LINES,
    total: lines.length,
  };
}
