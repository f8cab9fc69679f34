// `mymlops diff A B` as terminal text: the two commits, their metrics with deltas (the best
// marked), the notebook's source diff and the code diff of their snapshots. Everything that came
// from a notebook or a repository is escaped before it reaches the terminal.
import { escapeControl } from '../../util/terminal-text.js';
import type { Painter } from '../status/table.js';
import type { Comparison } from './compare.js';
import { formatDelta, formatNumber } from './metrics.js';
import { renderNotebookDiff } from './notebook-diff.js';

const e = escapeControl;

/** A unified diff coloured line by line: headers bold, hunks cyan, additions green, removals red. */
export function paintDiff(text: string, paint: Painter): string {
  return text
    .split('\n')
    .map((l) => {
      const s = e(l);
      if (/^(---|\+\+\+|diff --git|index |## )/.test(l)) return paint.bold(s);
      if (l.startsWith('@@')) return paint.cyan(s);
      if (l.startsWith('+')) return paint.green(s);
      if (l.startsWith('-')) return paint.red(s);
      return s;
    })
    .join('\n');
}

export function renderComparison(c: Comparison, paint: Painter): string {
  const out: string[] = [];
  for (const [i, k] of c.commits.entries()) {
    const bits = [k.notebook_path ?? k.notebook, k.notes, k.snapshot?.slice(0, 12)].filter(Boolean);
    out.push(`${paint.bold(String.fromCharCode(65 + i))}  ${k.id}  ${k.status}  ${e(bits.join(' · '))}`);
  }
  out.push('');
  if (c.metrics.length) {
    out.push(paint.bold('metrics'));
    const nameW = Math.max(...c.metrics.map((m) => e(m.name).length));
    for (const m of c.metrics) {
      const cells = m.values.map((v, i) => {
        const star = m.best.includes(i) ? '*' : ' ';
        const d = i === 0 ? '' : formatDelta(m.deltas[i] ?? null);
        const s = `${v === null ? '—' : formatNumber(v)}${d ? ` (${d})` : ''}${star}`;
        return m.best.includes(i) ? paint.green(s.padEnd(22)) : s.padEnd(22);
      });
      out.push(
        `  ${e(m.name).padEnd(nameW)}  ${cells.join(' ')}${paint.dim(m.direction === 'lower' ? ' ↓' : ' ↑')}`,
      );
    }
    out.push(paint.dim('  * best (↓ lower is better, ↑ higher is better); deltas from A'));
    out.push('');
  }
  out.push(paint.bold(`notebook (${c.from} → ${c.to}, sources only)`));
  if (c.notebook === null) out.push(`  ${e(c.notebook_note ?? 'not available')}`);
  else {
    const text = renderNotebookDiff(c.notebook, { old: `a/${c.from}`, new: `b/${c.to}` });
    out.push(text ? paintDiff(text.trimEnd(), paint) : '  no change in code or Markdown cells');
  }
  out.push('');
  out.push(paint.bold('code (snapshots, other files)'));
  if (!c.code.ok) out.push(`  ${e(c.code.note)}`);
  else out.push(c.code.diff ? paintDiff(c.code.diff.trimEnd(), paint) : '  no change outside the notebook');
  return `${out.join('\n')}\n`;
}
