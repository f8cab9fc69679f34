// The source diff of two notebooks: code, Markdown and raw cells compared by their source only
// (outputs, execution counts and metadata are what a run changes, not what the user changed).
// Cells are aligned as a sequence first (unchanged cells anchor it); a removed cell and an added
// one in between are paired as "modified" when their sources are alike, else stay removed/added.
import { diffArrays } from 'diff';
import { lineHunks, similarity } from './line-diff.js';
import { type Hunk, hunkHeader } from './unified.js';

export type CellType = 'code' | 'markdown' | 'raw';

export interface CellSource {
  /** Index in the notebook's `cells`. */
  index: number;
  type: CellType;
  source: string;
}

export interface CellChange {
  kind: 'unchanged' | 'modified' | 'added' | 'removed';
  /** Cell index in the old / new notebook (null for added / removed). */
  a: number | null;
  b: number | null;
  a_type: CellType | null;
  b_type: CellType | null;
  /** Line hunks of the source (empty for unchanged cells). */
  hunks: Hunk[];
}

export interface NotebookDiff {
  cells: CellChange[];
  /** How many cells are added, removed, modified. */
  added: number;
  removed: number;
  modified: number;
}

/** Pairs under this similarity are shown as a removed and an added cell rather than a modification. */
const PAIR_SIMILARITY = 0.5;

const text = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');

/** The cells of a parsed notebook (anything else: no cells). */
export function cellSources(nb: unknown): CellSource[] {
  const cells = (nb as { cells?: unknown } | null)?.cells;
  if (!Array.isArray(cells)) return [];
  return cells.map((c: { cell_type?: unknown; source?: unknown } | null, index) => {
    const t = c?.cell_type;
    return {
      index,
      type: t === 'markdown' ? 'markdown' : t === 'code' ? 'code' : 'raw',
      source: text(c?.source),
    };
  });
}

function change(kind: CellChange['kind'], a: CellSource | null, b: CellSource | null): CellChange {
  return {
    kind,
    a: a?.index ?? null,
    b: b?.index ?? null,
    a_type: a?.type ?? null,
    b_type: b?.type ?? null,
    hunks: kind === 'unchanged' ? [] : lineHunks(withEol(a?.source ?? ''), withEol(b?.source ?? '')),
  };
}

// A cell's last line has no newline: without one added, every edit of it would also show
// "\ No newline at end of file".
const withEol = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);

/** In-order pairing of a run of removed cells with the run of added cells that replaced them. */
function pairRun(removed: CellSource[], added: CellSource[]): CellChange[] {
  const out: CellChange[] = [];
  let j = 0;
  for (const r of removed) {
    let match = -1;
    for (let k = j; k < added.length; k++)
      if (similarity(r.source, added[k]!.source) >= PAIR_SIMILARITY) {
        match = k;
        break;
      }
    if (match < 0) {
      out.push(change('removed', r, null));
      continue;
    }
    for (; j < match; j++) out.push(change('added', null, added[j]!));
    out.push(change('modified', r, added[match]!));
    j = match + 1;
  }
  for (; j < added.length; j++) out.push(change('added', null, added[j]!));
  return out;
}

export function diffNotebooks(oldNb: unknown, newNb: unknown): NotebookDiff {
  const a = cellSources(oldNb);
  const b = cellSources(newNb);
  const parts = diffArrays(a, b, { comparator: (x, y) => x.type === y.type && x.source === y.source });
  const cells: CellChange[] = [];
  let removed: CellSource[] = [];
  let added: CellSource[] = [];
  const flush = () => {
    cells.push(...pairRun(removed, added));
    removed = [];
    added = [];
  };
  let ai = 0;
  let bi = 0;
  for (const p of parts) {
    const n = p.count ?? p.value.length;
    if (p.removed) {
      removed.push(...a.slice(ai, ai + n));
      ai += n;
    } else if (p.added) {
      added.push(...b.slice(bi, bi + n));
      bi += n;
    } else {
      flush();
      for (let k = 0; k < n; k++) cells.push(change('unchanged', a[ai + k]!, b[bi + k]!));
      ai += n;
      bi += n;
    }
  }
  flush();
  const count = (k: CellChange['kind']) => cells.filter((c) => c.kind === k).length;
  return { cells, added: count('added'), removed: count('removed'), modified: count('modified') };
}

/** The notebook diff as unified text: one section per changed cell, hunks of its source. */
export function renderNotebookDiff(d: NotebookDiff, names: { old: string; new: string }): string {
  const changed = d.cells.filter((c) => c.kind !== 'unchanged');
  if (changed.length === 0) return '';
  const out = [`--- ${names.old}`, `+++ ${names.new}`];
  for (const c of changed) {
    const where =
      c.kind === 'added'
        ? `new cell ${c.b} (${c.b_type})`
        : c.kind === 'removed'
          ? `cell ${c.a} (${c.a_type}) removed`
          : `cell ${c.a} → ${c.b} (${c.a_type === c.b_type ? c.b_type : `${c.a_type} → ${c.b_type}`})`;
    out.push(`## ${where}`);
    for (const h of c.hunks) out.push(hunkHeader(h), ...h.lines);
  }
  return `${out.join('\n')}\n`;
}
