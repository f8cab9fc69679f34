// A notebook as DOM, as nbconvert lays it out: Markdown cells, raw cells as nbconvert's HTML
// exporter includes them, code cells highlighted in the kernel's language with `In [n]:` prompts,
// their outputs (`Out[n]:` on results), the running cell of a processing notebook marked `In [*]:`.
// Cells are built in slices of a few milliseconds between which the page paints and handles input,
// so a notebook of thousands of cells shows its first cells at once and never freezes the page.
import { h } from './dom.js';
import { highlighted, loadLanguage, notebookLanguage } from './highlight.js';
import { type MarkdownContext, markdownNodes } from './markdown.js';
import { type Json, outputNode, text } from './outputs.js';
import { sanitizedFragment } from './sanitize.js';
import { texState } from './tex.js';

export interface RenderedNotebook {
  root: HTMLElement;
  /** Element of each cell built so far, by index in `cells`. */
  cells: HTMLElement[];
  /** How many cells the notebook has. */
  count: number;
  /** Index of the first cell with an error output, or null. */
  firstError: number | null;
  /** Index of the cell running now (processing notebooks), or null. */
  running: number | null;
  /** Settles once every cell is built (or the render was stopped). */
  done: Promise<void>;
  /** Cell `i`'s element, waiting for its slice to be built; undefined when there is no such cell. */
  cell(i: number): Promise<HTMLElement | undefined>;
  stop(): void;
}

function papermillStatus(c: Json): unknown {
  return ((c['metadata'] as Json | undefined)?.['papermill'] as Json | undefined)?.['status'];
}

/** The cell being executed: papermill's `running` cell, else the first code cell not executed yet. */
export function runningCell(cells: Json[]): number | null {
  const pm = cells.findIndex((c) => papermillStatus(c) === 'running');
  if (pm >= 0) return pm;
  if (cells.some((c) => papermillStatus(c) !== undefined)) return null;
  const i = cells.findIndex((c) => c['cell_type'] === 'code' && typeof c['execution_count'] !== 'number');
  return i >= 0 ? i : null;
}

const outputsOf = (c: Json): Json[] => (Array.isArray(c['outputs']) ? (c['outputs'] as Json[]) : []);

function codeCell(
  c: Json,
  i: number,
  id: string,
  lang: string,
  running: boolean,
  ctx: MarkdownContext,
): HTMLElement {
  const count = c['execution_count'];
  const label = running ? '*' : typeof count === 'number' ? String(count) : ' ';
  const cell = h(
    'div',
    { class: `cell code-cell${running ? ' running' : ''}`, 'data-cell': i },
    h('div', { class: 'prompt' }, `In [${label}]:`),
    h(
      'pre',
      { class: 'source' },
      h('code', { class: `hljs language-${lang}` }, highlighted(text(c['source']), lang)),
    ),
  );
  outputsOf(c).forEach((o, n) => {
    const node = outputNode(o, id, i, n, ctx);
    if (!node) return;
    const result = o['output_type'] === 'execute_result' && typeof o['execution_count'] === 'number';
    cell.append(
      h('div', { class: 'prompt out-prompt' }, result ? `Out[${o['execution_count']}]:` : ''),
      h('div', { class: `output${o['output_type'] === 'error' ? ' has-error' : ''}` }, node),
    );
  });
  return cell;
}

/** nbconvert's HTML exporter includes a raw cell's source as HTML when its format is HTML or unset. */
function rawCell(c: Json, i: number): HTMLElement {
  const meta = (c['metadata'] ?? {}) as Json;
  const format = String(meta['raw_mimetype'] ?? meta['format'] ?? '').toLowerCase();
  const el = h('div', { class: 'cell raw-cell', 'data-cell': i });
  if (format === '' || format === 'text/html') el.append(sanitizedFragment(text(c['source'])));
  else el.hidden = true;
  return el;
}

/** Milliseconds of building per slice: well under the 50 ms a task may take before input lags. */
const SLICE_MS = 25;

export async function renderNotebook(
  nb: Json,
  id: string,
  processing: boolean,
  resolveImage?: (path: string) => string | null,
): Promise<RenderedNotebook> {
  const lang = notebookLanguage(nb);
  await loadLanguage(lang);
  const root = h('div', { class: 'nb' });
  const list = Array.isArray(nb['cells']) ? (nb['cells'] as Json[]) : [];
  const running = processing ? runningCell(list) : null;
  const errorAt = list.findIndex(
    (c) => c['cell_type'] === 'code' && outputsOf(c).some((o) => o['output_type'] === 'error'),
  );
  // One TeX state for the whole notebook: numbering, labels and macros carry from cell to cell.
  const ctx: MarkdownContext = { tex: texState(), ...(resolveImage ? { resolveImage } : {}) };
  const cells: HTMLElement[] = [];
  const build = (c: Json, i: number): HTMLElement => {
    if (c['cell_type'] === 'markdown')
      return h(
        'div',
        { class: 'cell md-cell', 'data-cell': i },
        markdownNodes(text(c['source']), ctx, c['attachments'] as Parameters<typeof markdownNodes>[2]),
      );
    if (c['cell_type'] === 'code') return codeCell(c, i, id, lang, i === running, ctx);
    return rawCell(c, i);
  };
  let stopped = false;
  const slice = (): void => {
    const t0 = performance.now();
    const frag = document.createDocumentFragment();
    while (cells.length < list.length && performance.now() - t0 < SLICE_MS) {
      const el = build(list[cells.length]!, cells.length);
      cells.push(el);
      frag.appendChild(el);
    }
    root.appendChild(frag);
  };
  slice();
  const done = new Promise<void>((resolve) => {
    const next = (): void => {
      if (stopped || cells.length >= list.length) {
        // Marks a complete view (what tests and the bench wait for).
        if (!stopped) root.dataset['complete'] = '';
        resolve();
        return;
      }
      slice();
      setTimeout(next, 0);
    };
    setTimeout(next, 0);
  });
  if (list.length === 0) root.appendChild(h('p', { class: 'muted' }, 'This notebook has no cells.'));
  return {
    root,
    cells,
    count: list.length,
    firstError: errorAt >= 0 ? errorAt : null,
    running,
    done,
    cell: async (i) => {
      if (!cells[i]) await done;
      return cells[i];
    },
    stop: () => {
      stopped = true;
    },
  };
}
