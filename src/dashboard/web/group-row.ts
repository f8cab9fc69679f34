// A sweep group's header row in the commits table: the expand/collapse toggle, the group id,
// notebook, how many runs and in which states, the best run on a metric, and "Compare group".
// Everything from the API is set as text.
import type { ApiCommit } from '../server/api.js';
import { h } from './dom.js';
import { metric } from './format.js';
import { type Best, statusSummary } from './groups.js';

export interface GroupRowActions {
  toggle: (group: string) => void;
  compare: (group: string, runs: ApiCommit[]) => void;
  open: (c: ApiCommit) => void;
}

export function groupRow(
  group: string,
  runs: ApiCommit[],
  expanded: boolean,
  best: Best | null,
  act: GroupRowActions,
): HTMLElement {
  const notebook = runs.find((r) => r.notebook)?.notebook ?? '?';
  return h(
    'div',
    { class: `tr group-row${expanded ? ' expanded' : ''}`, role: 'row', 'data-group': group },
    h(
      'div',
      { class: 'td c-select', role: 'cell' },
      h(
        'button',
        {
          type: 'button',
          class: 'group-toggle',
          'aria-expanded': String(expanded),
          'aria-label': `${expanded ? 'collapse' : 'expand'} group ${group}`,
          onclick: () => act.toggle(group),
        },
        expanded ? '▾' : '▸',
      ),
    ),
    h(
      'div',
      { class: 'td group-cell', role: 'cell' },
      h('span', { class: 'group-id', title: `sweep ${group}` }, group),
      h('span', { class: 'group-nb' }, notebook),
      h('span', { class: 'group-count' }, `${runs.length} run${runs.length === 1 ? '' : 's'}`),
      h('span', { class: 'group-statuses' }, statusSummary(runs)),
      best
        ? h(
            'button',
            {
              type: 'button',
              class: 'link group-best',
              title: `open the best run, ${best.run.id}`,
              onclick: () => act.open(best.run),
            },
            `best ${best.metric} ${metric(best.value)}`,
          )
        : null,
      runs.length >= 2
        ? h(
            'button',
            { type: 'button', class: 'chip group-compare', onclick: () => act.compare(group, runs) },
            'Compare group',
          )
        : null,
    ),
  );
}
