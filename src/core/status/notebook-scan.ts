// Cheap facts about a notebook without parsing all of it: the original tool's status rule is
// "failed when any cell has an output of type error". Notebooks are mostly base64 images and
// streams, so we search the raw bytes for the key instead of JSON.parse-ing 200 KB per folder.
// Sound because inside a JSON string a quote is always escaped: `"output_type"` followed by `:`
// can only be an object key. Only a notebook with an error is parsed fully (to name the error).
import type { CellError } from '../model.js';

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

/** True when the notebook JSON has an output whose output_type is "error". */
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
  outputs?: NbOutput[];
}

/** The first error output of a parsed notebook, with its cell index. */
export function firstCellError(nb: unknown): CellError | null {
  const cells = (nb as { cells?: unknown })?.cells;
  if (!Array.isArray(cells)) return null;
  for (let i = 0; i < cells.length; i++) {
    const outputs = (cells[i] as NbCell)?.outputs;
    if (!Array.isArray(outputs)) continue;
    for (const o of outputs) {
      if (o?.output_type === 'error')
        return { cell: i, ename: String(o.ename ?? 'Error'), evalue: String(o.evalue ?? '') };
    }
  }
  return null;
}
