// The subset of Compute Engine's list `filter` syntax that mymlops and gcloud send:
// `field = value`, `field != value`, `field:*` (has), `field eq regex` / `ne` (gcloud's legacy
// form, full-match regular expressions), terms joined by AND, each optionally in parentheses.
// Field paths are dotted (`labels.mymlops`, `status`); values may be double-quoted.

export type Resource = Record<string, unknown>;
type Term = { path: string[]; op: '=' | '!=' | ':' | 'eq' | 'ne'; value: string };

export class FilterError extends Error {}

export function parseFilter(filter: string | null | undefined): Term[] {
  const src = (filter ?? '').trim();
  if (src === '') return [];
  const parts = src.split(/\s+AND\s+/);
  return parts.map((raw) => {
    const p = raw
      .trim()
      .replace(/^\(\s*/, '')
      .replace(/\s*\)$/, '');
    const m = /^([A-Za-z0-9_.-]+)\s*(!=|=|:|\beq\b|\bne\b)\s*(.*)$/.exec(p);
    if (!m) throw new FilterError(`Invalid list filter expression '${raw.trim()}'.`);
    let value = m[3]!.trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return { path: m[1]!.split('.'), op: m[2] as Term['op'], value };
  });
}

function get(r: object, path: string[]): unknown {
  let cur: unknown = r;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Compare a term value with a field; URLs match on their last segments too (`zone = us-east1-b`). */
function equals(field: unknown, value: string): boolean {
  if (field === undefined || field === null) return false;
  const s = String(field);
  return s === value || s.endsWith(`/${value}`);
}

export function matches(r: object, terms: Term[]): boolean {
  return terms.every((t) => {
    const f = get(r, t.path);
    switch (t.op) {
      case '=':
        return equals(f, t.value);
      case '!=':
        return !equals(f, t.value);
      case ':':
        return t.value === '*' ? f !== undefined && f !== null : String(f ?? '').includes(t.value);
      case 'eq':
      case 'ne': {
        let re: RegExp;
        try {
          re = new RegExp(`^(?:${t.value})$`);
        } catch {
          throw new FilterError(`Invalid regular expression '${t.value}'.`);
        }
        const s = f === undefined || f === null ? '' : String(f);
        const hit = re.test(s) || re.test(s.split('/').pop() ?? '');
        return t.op === 'eq' ? hit : !hit;
      }
    }
    return false;
  });
}
