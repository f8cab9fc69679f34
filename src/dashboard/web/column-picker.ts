// Which table columns are shown. Each column has a default for a wide screen and for a narrow one
// (≤ 900 px); the user's own choices override them, per width, remembered in localStorage.
import type { Column } from './columns.js';
import { h } from './dom.js';

const KEY = 'mymlops.columns';
export const NARROW = '(max-width: 900px)';

type Choices = Record<'wide' | 'narrow', Record<string, boolean>>;

function load(): Choices {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Choices> | null;
    return { wide: { ...v?.wide }, narrow: { ...v?.narrow } };
  } catch {
    return { wide: {}, narrow: {} };
  }
}

export class ColumnChoice {
  private choices = load();
  private readonly media = matchMedia(NARROW);

  constructor(onChange: () => void) {
    this.media.addEventListener('change', onChange);
  }

  private get mode(): 'wide' | 'narrow' {
    return this.media.matches ? 'narrow' : 'wide';
  }

  shown(c: Column): boolean {
    const own = this.choices[this.mode];
    return Object.hasOwn(own, c.key) ? own[c.key] === true : c[this.mode];
  }

  set(c: Column, on: boolean): void {
    this.choices[this.mode][c.key] = on;
    localStorage.setItem(KEY, JSON.stringify(this.choices));
  }
}

/** The "Columns" button and its list of checkboxes. */
export function columnPicker(
  choice: ColumnChoice,
  list: () => readonly Column[],
  onChange: () => void,
): HTMLElement {
  const panel = h('div', { class: 'picker-panel', role: 'group', 'aria-label': 'columns' });
  const box = h('details', { class: 'column-picker' }, h('summary', { class: 'chip' }, 'Columns'), panel);
  box.addEventListener('toggle', () => {
    if (!box.open) return;
    panel.replaceChildren(
      ...list().map((c) => {
        const input = h('input', { type: 'checkbox', 'data-key': c.key });
        input.checked = choice.shown(c);
        input.addEventListener('change', () => {
          choice.set(c, input.checked);
          onChange();
        });
        const label = c.key === 'run' ? 'Progress / duration' : c.label;
        return h('label', {}, input, ` ${label}`);
      }),
    );
  });
  return box;
}
