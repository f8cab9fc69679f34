// The compare view (its own script, loaded when "Compare" is pressed): two or more commits side
// by side — what each was (notes, notebook, parameters, snapshot, zone, machine type, duration,
// cost), their metrics with deltas from the oldest and the best marked — then, between two of them,
// the notebook's source diff with both runs' outputs, and the code diff of their snapshots.
import type { Comparison, CompareCommit } from '../../core/compare/compare.js';
import { formatDelta } from '../../core/compare/metrics.js';
import type { ApiCommit } from '../server/api.js';
import { codeDiffView, notebookDiffView } from './compare-diff.js';
import { append, h } from './dom.js';
import { duration, localTime, metric, money } from './format.js';
import { linkStyle } from './link-style.js';
import { openModal } from './modal.js';
import type { Json } from './outputs.js';

export interface CompareView {
  close(): void;
}

const letter = (i: number) => String.fromCharCode(65 + i);

function metaTable(cs: CompareCommit[]): HTMLElement {
  const rows: [string, (c: CompareCommit) => Node | string][] = [
    ['Commit', (c) => h('span', { title: c.id }, `${c.id} · ${localTime(c.timestamp)}`)],
    ['Status', (c) => h('span', { class: `badge s-${c.status}` }, c.status)],
    ['Notes', (c) => c.notes ?? ''],
    ['Notebook', (c) => c.notebook_path ?? c.notebook ?? ''],
    ['Snapshot', (c) => h('code', { title: c.snapshot ?? '' }, c.snapshot?.slice(0, 12) ?? '—')],
    ['Zone', (c) => c.zone ?? ''],
    ['Machine type', (c) => [c.machine_type, c.accelerator].filter(Boolean).join(' + ')],
    ['Duration', (c) => duration(c.duration_seconds)],
    ['Cost', (c) => money(c.cost_usd, c.cost_estimate)],
  ];
  if (cs.some((c) => c.parameters))
    rows.splice(4, 0, [
      'Parameters',
      (c) =>
        c.parameters
          ? Object.entries(c.parameters)
              .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
              .join(', ')
          : '',
    ]);
  if (cs.some((c) => c.error))
    rows.push(['Error', (c) => (c.error ? `${c.error.ename}: ${c.error.evalue}` : '')]);
  // A row empty for every commit (no cost recorded, no zone on the local backend) says nothing.
  const shown = rows.filter(([, f]) => cs.some((c) => f(c) !== ''));
  return h(
    'table',
    { class: 'cmp-table cmp-meta' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), ...cs.map((_, i) => h('th', {}, letter(i))))),
    h(
      'tbody',
      {},
      ...shown.map(([label, f]) => h('tr', {}, h('th', {}, label), ...cs.map((c) => h('td', {}, f(c))))),
    ),
  );
}

function metricsTable(cmp: Comparison): HTMLElement {
  if (cmp.metrics.length === 0) return h('p', { class: 'muted' }, 'None of these commits has metrics.');
  return h(
    'table',
    { class: 'cmp-table cmp-metrics' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Metric'), ...cmp.commits.map((_, i) => h('th', {}, letter(i))))),
    h(
      'tbody',
      {},
      ...cmp.metrics.map((m) =>
        h(
          'tr',
          { 'data-metric': m.name },
          h(
            'th',
            { title: m.direction === 'lower' ? 'lower is better' : 'higher is better' },
            `${m.name} ${m.direction === 'lower' ? '↓' : '↑'}`,
          ),
          ...m.values.map((v, i) =>
            h(
              'td',
              { class: m.best.includes(i) ? 'best' : null, title: m.best.includes(i) ? 'best' : null },
              v === null ? '—' : metric(v),
              i > 0 && m.deltas[i] !== null
                ? h(
                    'span',
                    {
                      class: `delta ${(m.deltas[i]! > 0) === (m.direction === 'higher') ? 'better' : m.deltas[i] === 0 ? '' : 'worse'}`,
                    },
                    ` ${formatDelta(m.deltas[i]!)}`,
                  )
                : null,
              m.best.includes(i) ? h('span', { class: 'best-mark' }, ' ★') : null,
            ),
          ),
        ),
      ),
    ),
  );
}

async function json(url: string): Promise<unknown> {
  const r = await fetch(url, { cache: 'no-store' });
  const v = (await r.json()) as { error?: string };
  if (!r.ok) throw new Error(v.error ?? `HTTP ${r.status}`);
  return v;
}

/** `note` says what was left out (a sweep larger than the compare route's limit). */
export function openCompare(
  commits: ApiCommit[],
  onClose: () => void,
  note: string | null = null,
): CompareView {
  linkStyle('/viewer.css');
  linkStyle('/compare.css');
  const { title, body, close } = openModal({
    label: `compare ${commits.length} commits`,
    panelClass: 'compare',
    bodyClass: 'cmp-body',
    onClose,
  });
  title.append(h('strong', {}, `Compare ${commits.length} commits`));
  body.append(h('p', { class: 'muted' }, 'Comparing…'));
  const ids = commits.map((c) => c.id);
  let ticket = 0;

  async function load(from: string, to: string): Promise<void> {
    const mine = ++ticket;
    try {
      const q = `ids=${ids.map(encodeURIComponent).join(',')}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
      const cmp = (await json(`/api/compare?${q}`)) as Comparison;
      const nbOf = (id: string) =>
        json(`/api/commits/${encodeURIComponent(id)}/notebook`).catch(() => null) as Promise<Json | null>;
      const [nbA, nbB] = await Promise.all([nbOf(cmp.from), nbOf(cmp.to)]);
      if (mine !== ticket) return;
      body.replaceChildren();
      append(
        body,
        note ? h('p', { class: 'warning cmp-note' }, note) : null,
        h('h3', {}, 'Commits'),
        metaTable(cmp.commits),
        h('h3', {}, 'Metrics'),
        h('p', { class: 'muted' }, 'Deltas from A (the oldest); ★ best.'),
        metricsTable(cmp),
        pairPicker(cmp),
        h('h3', {}, `Notebook: ${pairName(cmp.from)} → ${pairName(cmp.to)}`),
        cmp.notebook
          ? notebookDiffView(
              cmp.notebook,
              { id: cmp.from, label: letter(ids.indexOf(cmp.from)), nb: nbA },
              { id: cmp.to, label: letter(ids.indexOf(cmp.to)), nb: nbB },
            )
          : h('p', { class: 'muted' }, cmp.notebook_note ?? ''),
        h('h3', {}, 'Code (snapshots, files other than the notebook)'),
        codeDiffView(cmp.code),
      );
    } catch (e) {
      if (mine === ticket)
        body.replaceChildren(h('p', { class: 'error-text' }, `Could not compare: ${(e as Error).message}`));
    }
  }

  const pairName = (id: string) => `${letter(ids.indexOf(id))} (${id})`;

  function pairPicker(cmp: Comparison): HTMLElement | null {
    if (ids.length < 3) return null;
    const sel = (value: string) => {
      const s = h(
        'select',
        {},
        ...ids.map((id) => h('option', { value: id, selected: id === value }, pairName(id))),
      );
      return s;
    };
    const a = sel(cmp.from);
    const b = sel(cmp.to);
    const go = () => void load(a.value, b.value);
    a.addEventListener('change', go);
    b.addEventListener('change', go);
    return h('p', { class: 'cmp-pair' }, 'Diff ', a, ' → ', b);
  }

  void load(ids[0]!, ids[ids.length - 1]!);
  return { close };
}
