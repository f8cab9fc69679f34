// The compare view's diffs: the notebook's changed cells (source hunks; outputs of both runs side
// by side, images included) and the code diff of the snapshots, both as DOM built from text nodes.
import type { CellChange, NotebookDiff } from '../../core/compare/notebook-diff.js';
import { hunkHeader } from '../../core/compare/unified.js';
import { h } from './dom.js';
import { type Json, outputNode } from './outputs.js';

function lineClass(l: string): string {
  if (/^(diff --git|index |--- |\+\+\+ |new file|deleted file|similarity|rename |old mode|new mode)/.test(l))
    return 'dl-meta';
  if (l.startsWith('@@')) return 'dl-hunk';
  if (l.startsWith('+')) return 'dl-add';
  if (l.startsWith('-')) return 'dl-del';
  return 'dl-ctx';
}

/** A unified diff as a <pre>, one span per line classed by its kind. */
export function diffBlock(lines: string[], cls = ''): HTMLElement {
  const pre = h('pre', { class: `diff ${cls}` });
  for (const l of lines) pre.append(h('span', { class: lineClass(l) }, l), '\n');
  return pre;
}

function cellOutputs(nb: Json | null, id: string, index: number | null, label: string): HTMLElement {
  const box = h('div', { class: 'cmp-outputs' }, h('div', { class: 'cmp-out-label muted' }, label));
  const cells = Array.isArray(nb?.['cells']) ? (nb['cells'] as Json[]) : [];
  const cell = index === null ? undefined : cells[index];
  const outs = Array.isArray(cell?.['outputs']) ? (cell['outputs'] as Json[]) : [];
  outs.forEach((o, n) => {
    const node = outputNode(o, id, index!, n);
    if (node) box.append(h('div', { class: 'output' }, node));
  });
  if (box.childElementCount === 1)
    box.append(h('span', { class: 'muted' }, index === null ? '—' : 'no output'));
  return box;
}

function cellTitle(c: CellChange): string {
  const t =
    c.a_type === c.b_type || !c.a_type || !c.b_type ? (c.b_type ?? c.a_type) : `${c.a_type} → ${c.b_type}`;
  if (c.kind === 'added') return `new cell ${c.b} (${t})`;
  if (c.kind === 'removed') return `cell ${c.a} removed (${t})`;
  if (c.kind === 'modified') return `cell ${c.a} → ${c.b} (${t})`;
  return `cell ${c.a} → ${c.b} (${t}, unchanged)`;
}

/**
 * Every changed cell with its hunks; every code cell (changed or not: a run changes outputs) with
 * the outputs of both notebooks side by side. Unchanged Markdown cells are left out.
 */
export function notebookDiffView(
  d: NotebookDiff,
  from: { id: string; label: string; nb: Json | null },
  to: { id: string; label: string; nb: Json | null },
): HTMLElement {
  const root = h('div', { class: 'cmp-nb' });
  root.append(
    h(
      'p',
      { class: 'muted cmp-nb-summary' },
      `${d.modified} modified, ${d.added} added, ${d.removed} removed cell(s); outputs and execution counts are not compared as source.`,
    ),
  );
  for (const c of d.cells) {
    const code = c.a_type === 'code' || c.b_type === 'code';
    if (c.kind === 'unchanged' && !code) continue;
    const el = h(
      'div',
      { class: `cmp-cell k-${c.kind}`, 'data-kind': c.kind },
      h('div', { class: 'cmp-cell-title' }, cellTitle(c)),
    );
    if (c.hunks.length) el.append(diffBlock(c.hunks.flatMap((x) => [hunkHeader(x), ...x.lines])));
    if (code)
      el.append(
        h(
          'div',
          { class: 'cmp-side' },
          cellOutputs(from.nb, from.id, c.a, `${from.label} output`),
          cellOutputs(to.nb, to.id, c.b, `${to.label} output`),
        ),
      );
    root.append(el);
  }
  return root;
}

export function codeDiffView(code: { ok: true; diff: string } | { ok: false; note: string }): HTMLElement {
  if (!code.ok) return h('p', { class: 'muted cmp-code-note' }, code.note);
  if (!code.diff) return h('p', { class: 'muted cmp-code-note' }, 'No change outside the notebook.');
  return diffBlock(code.diff.replace(/\n$/, '').split('\n'), 'cmp-code');
}
