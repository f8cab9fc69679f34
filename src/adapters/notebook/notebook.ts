// The notebook adapter: read and validate an .ipynb file, clear it for a snapshot and serialise it.
// What an execution left in a notebook (progress, first error, "was it executed") is read by the
// rules in src/core/status/notebook-scan.ts.
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { UserError } from '../../errors.js';
import type { Notebook, NotebookCell } from '../../core/ports/notebook.js';
import { upgradeNotebook } from '../../core/notebook-format.js';

export type { Notebook, NotebookCell };

/** Parse and check the shape of a notebook; `display` is how errors name the file. */
export function parseNotebook(text: string, display: string): Notebook {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${display} is not valid notebook JSON (${(e as Error).message})`,
      'open and save it in Jupyter, or fix the JSON',
    );
  }
  // Format 3 is read by upgrading it, as nbformat does: the snapshot then holds format 4.
  const nb = upgradeNotebook(data) as Partial<Notebook> | null;
  if (!nb || typeof nb !== 'object' || Array.isArray(nb) || !Array.isArray(nb.cells))
    throw new UserError(
      `${display} is not a Jupyter notebook (no "cells" list)`,
      'pass an .ipynb file saved by Jupyter',
    );
  if (typeof nb.nbformat !== 'number' || nb.nbformat < 4)
    throw new UserError(
      `${display} uses notebook format ${String(nb.nbformat)}, mymlops reads formats 3 and 4`,
      'open and save it in a current Jupyter',
    );
  for (const [i, c] of nb.cells.entries()) {
    if (!c || typeof c !== 'object' || typeof (c as NotebookCell).cell_type !== 'string')
      throw new UserError(
        `${display}: cell ${i} has no cell_type`,
        'open and save it in Jupyter, or fix the JSON',
      );
  }
  return nb as Notebook;
}

/** Read a notebook from disk with one-line errors for every way the path can be wrong. */
export function readNotebook(path: string, display: string = path): Notebook {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new UserError(`${display} does not exist`, 'pass the path of a notebook in this repository');
  }
  if (!st.isFile()) throw new UserError(`${display} is not a file`, 'pass the path of an .ipynb notebook');
  if (extname(path) !== '.ipynb')
    throw new UserError(`${display} is not a notebook (.ipynb)`, 'pass the path of an .ipynb notebook');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(
      `cannot read ${display}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      'check the file permissions',
    );
  }
  return parseNotebook(text, display);
}

/** A copy with every output, execution count and execution record removed (what a commit runs). */
export function clearNotebook(nb: Notebook): Notebook {
  const cells = nb.cells.map((c) => {
    const cell: NotebookCell = { ...c };
    if (cell.metadata && typeof cell.metadata === 'object') {
      const { papermill: _p, execution: _e, ...rest } = cell.metadata;
      cell.metadata = rest;
    }
    if (cell.cell_type === 'code') {
      cell.outputs = [];
      cell.execution_count = null;
    }
    return cell;
  });
  const metadata = { ...(nb.metadata ?? {}) };
  delete metadata['papermill'];
  return { ...nb, cells, metadata };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** Serialise like nbformat does (indent 1, sorted keys, trailing newline) so diffs stay small. */
export function serializeNotebook(nb: Notebook): string {
  return `${JSON.stringify(sortKeys(nb), null, 1)}\n`;
}
