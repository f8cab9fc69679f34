// The notebook rules, read from what an execution left in a notebook: progress, the first error,
// "was it executed". They follow nbclient: a code cell whose source is only whitespace, or that is
// tagged `skip-execution`, is never executed (so it counts for neither: a notebook nbclient ran to
// its end is n/n), and an error in a cell tagged `raises-exception` is expected (execution goes
// on), so it is not the notebook's error. The job's python helper
// (assets/job/helper.py) applies the same rules on the machine; both run against the table in
// test/fixtures/notebook-rules/.
//
// `hasErrorOutput` is only the cheap prefilter of the status index: notebooks are mostly base64
// images and streams, so it searches the raw bytes for the key instead of JSON.parse-ing 200 KB per
// folder. Sound because inside a JSON string a quote is always escaped: `"output_type"` followed by
// `:` can only be an object key. Only a notebook it flags is parsed (to apply firstCellError).
import type { CellError, Progress } from '../model.js';

const KEY = Buffer.from('"output_type"');
const ERROR = Buffer.from('"error"');

function skipWs(buf: Buffer, i: number): number {
  while (i < buf.length) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** True when the notebook JSON has an output whose output_type is "error" (any cell, any tag). */
export function hasErrorOutput(buf: Buffer): boolean {
  let from = 0;
  for (;;) {
    const at = buf.indexOf(KEY, from);
    if (at < 0) return false;
    let i = skipWs(buf, at + KEY.length);
    if (buf[i] === 0x3a /* : */) {
      i = skipWs(buf, i + 1);
      if (buf.compare(ERROR, 0, ERROR.length, i, i + ERROR.length) === 0) return true;
    }
    from = at + KEY.length;
  }
}

interface NbOutput {
  output_type?: unknown;
  ename?: unknown;
  evalue?: unknown;
}
interface NbCell {
  cell_type?: unknown;
  source?: unknown;
  metadata?: { tags?: unknown; papermill?: { status?: unknown } };
  outputs?: unknown;
  execution_count?: unknown;
}

function cellsOf(nb: unknown): NbCell[] {
  const cells = (nb as { cells?: unknown } | null)?.cells;
  return Array.isArray(cells) ? cells.map((c) => (c && typeof c === 'object' ? (c as NbCell) : {})) : [];
}

// Python's str.isspace (nbclient skips a cell when `cell.source.strip()` is empty).
const PY_SPACE = /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

function sourceText(c: NbCell): string {
  const s = c.source;
  if (typeof s === 'string') return s;
  return Array.isArray(s) ? s.filter((x) => typeof x === 'string').join('') : '';
}

/** Code cells an execution runs: not the ones whose source is only whitespace or tagged skip-execution. */
function runnableCode(nb: unknown): NbCell[] {
  return cellsOf(nb).filter(
    (c) => c.cell_type === 'code' && !PY_SPACE.test(sourceText(c)) && !tagged(c, 'skip-execution'),
  );
}

function papermillStatus(c: NbCell): string | null {
  const s = c.metadata?.papermill?.status;
  return typeof s === 'string' ? s : null;
}

function outputsOf(c: NbCell): NbOutput[] {
  return Array.isArray(c.outputs) ? (c.outputs as NbOutput[]) : [];
}

function tagged(c: NbCell, tag: string): boolean {
  const tags = c.metadata?.tags;
  return Array.isArray(tags) && tags.includes(tag);
}

/**
 * Cells done / total, over runnable code cells. Papermill's per-cell status wins when any cell has
 * one (a cell is done once `completed` or `failed`); otherwise a cell is done once it has an
 * execution count.
 */
export function notebookProgress(nb: unknown): Progress {
  const code = runnableCode(nb);
  const usePapermill = code.some((c) => papermillStatus(c) !== null);
  const done = code.filter((c) => {
    if (!usePapermill) return Number.isInteger(c.execution_count);
    const s = papermillStatus(c);
    return s === 'completed' || s === 'failed';
  }).length;
  return { cells_done: done, cells_total: code.length };
}

/** The first error output (cell index into `cells`) outside cells tagged `raises-exception`. */
export function firstCellError(nb: unknown): CellError | null {
  for (const [i, c] of cellsOf(nb).entries()) {
    if (tagged(c, 'raises-exception')) continue;
    for (const o of outputsOf(c)) {
      if (o?.output_type === 'error')
        return { cell: i, ename: String(o.ename ?? 'Error'), evalue: String(o.evalue ?? '') };
    }
  }
  return null;
}

/** True when something ran the notebook: a runnable code cell has a count, an output, or papermill's completed. */
export function wasExecuted(nb: unknown): boolean {
  const code = runnableCode(nb);
  if (code.length === 0) return true;
  return code.some(
    (c) =>
      Number.isInteger(c.execution_count) || outputsOf(c).length > 0 || papermillStatus(c) === 'completed',
  );
}
