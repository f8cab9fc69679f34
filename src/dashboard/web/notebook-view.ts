// A notebook as DOM, as nbconvert lays it out: Markdown cells, code cells highlighted in the
// kernel's language with `In [n]:` prompts, their outputs (`Out[n]:` on results), the running cell
// of a processing notebook marked `In [*]:`.
import { h } from './dom.js';
import { highlighted, loadLanguage, notebookLanguage } from './highlight.js';
import { markdownNodes } from './markdown.js';
import { type Json, outputNode, text } from './outputs.js';

export interface RenderedNotebook {
  root: HTMLElement;
  /** Element of each cell, by index in `cells`. */
  cells: HTMLElement[];
  /** Index of the first cell with an error output, or null. */
  firstError: number | null;
  /** Index of the cell running now (processing notebooks), or null. */
  running: number | null;
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

function codeCell(c: Json, i: number, id: string, lang: string, running: boolean): HTMLElement {
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
  const outs = Array.isArray(c['outputs']) ? (c['outputs'] as Json[]) : [];
  outs.forEach((o, n) => {
    const node = outputNode(o, id, i, n);
    if (!node) return;
    const result = o['output_type'] === 'execute_result' && typeof o['execution_count'] === 'number';
    cell.append(
      h('div', { class: 'prompt out-prompt' }, result ? `Out[${o['execution_count']}]:` : ''),
      h('div', { class: `output${o['output_type'] === 'error' ? ' has-error' : ''}` }, node),
    );
  });
  return cell;
}

export async function renderNotebook(nb: Json, id: string, processing: boolean): Promise<RenderedNotebook> {
  const lang = notebookLanguage(nb);
  await loadLanguage(lang);
  const root = h('div', { class: 'nb' });
  const list = Array.isArray(nb['cells']) ? (nb['cells'] as Json[]) : [];
  const running = processing ? runningCell(list) : null;
  let firstError: number | null = null;
  const cells = list.map((c, i) => {
    let el: HTMLElement;
    if (c['cell_type'] === 'markdown')
      el = h(
        'div',
        { class: 'cell md-cell', 'data-cell': i },
        markdownNodes(text(c['source']), c['attachments'] as Parameters<typeof markdownNodes>[1]),
      );
    else if (c['cell_type'] !== 'code')
      el = h('div', { class: 'cell raw-cell', 'data-cell': i }, h('pre', {}, text(c['source'])));
    else {
      el = codeCell(c, i, id, lang, i === running);
      const outs = Array.isArray(c['outputs']) ? (c['outputs'] as Json[]) : [];
      if (firstError === null && outs.some((o) => o['output_type'] === 'error')) firstError = i;
    }
    root.appendChild(el);
    return el;
  });
  if (list.length === 0) root.appendChild(h('p', { class: 'muted' }, 'This notebook has no cells.'));
  return { root, cells, firstError, running };
}
