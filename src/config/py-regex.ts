// `zone_regex` is a Python regular expression (the original ran `re.match(zone_regex, zone)`).
// JavaScript's syntax is close; this translates what differs: named groups `(?P<n>…)` and
// backreferences `(?P=n)`, inline flags `(?i)` / `(?i:…)` (case folding spelled out as `[aA]`),
// `(?s)` (`.` matches a line break), `(?x)` (verbose: spaces and `#` comments dropped), `(?#…)`
// comments, `\A` / `\Z`, and a `]` right after `[` (a literal in Python). Python-only constructs
// with no JavaScript equivalent (conditionals `(?(1)…)`, atomic groups, possessive quantifiers) are
// reported instead of being misread.

export type PyRegexTranslation = { ok: true; source: string } | { ok: false; reason: string };

interface Flags {
  i: boolean;
  s: boolean;
  x: boolean;
}

const FLAG_GROUP = /^\(\?([aiLmsux]+)\)/;
const SCOPED = /^\(\?([aiLmsux]*)(?:-([imsx]+))?:/;

function foldChar(c: string): string {
  const lo = c.toLowerCase();
  const up = c.toUpperCase();
  return lo !== up && lo.length === 1 && up.length === 1 ? `[${lo}${up}]` : c;
}

/** A character class body (between `[` and `]`) with both cases of every letter and letter range. */
function foldClass(body: string): string {
  let extra = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (body[i + 1] === '-' && i + 2 < body.length && body[i + 2] !== '\\') {
      const a = c;
      const b = body[i + 2]!;
      if (/[a-z]/.test(a) && /[a-z]/.test(b)) extra += `${a.toUpperCase()}-${b.toUpperCase()}`;
      else if (/[A-Z]/.test(a) && /[A-Z]/.test(b)) extra += `${a.toLowerCase()}-${b.toLowerCase()}`;
      i += 2;
      continue;
    }
    const f = foldChar(c);
    if (f !== c) extra += f.slice(1, -1).replace(c, '');
  }
  return body + extra;
}

/** Global flags set by `(?i)`-style groups anywhere in the pattern (Python applies them to all of it). */
function globalFlags(src: string): Flags {
  const f: Flags = { i: false, s: false, x: false };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(src, i);
    else if (c === '(') {
      const m = FLAG_GROUP.exec(src.slice(i));
      if (m) for (const k of m[1]!) if (k === 'i' || k === 's' || k === 'x') f[k] = true;
    }
  }
  return f;
}

/** Index of the `]` closing the class opened at `start` (Python: a `]` first in the class is literal). */
function classEnd(src: string, start: number): number {
  let i = start + 1;
  if (src[i] === '^') i++;
  if (src[i] === ']') i++;
  for (; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === ']') return i;
  }
  return src.length;
}

export function translatePyRegex(src: string): PyRegexTranslation {
  const global = globalFlags(src);
  const scopes: Flags[] = [global];
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const flags = scopes[scopes.length - 1]!;
    const c = src[i]!;
    const rest = src.slice(i);
    if (flags.x && /\s/.test(c)) continue;
    if (flags.x && c === '#') {
      const nl = src.indexOf('\n', i);
      i = nl === -1 ? src.length : nl;
      continue;
    }
    if (c === '\\') {
      const e = src[i + 1] ?? '';
      i++;
      if (e === 'A') out += '^';
      else if (e === 'Z') out += '$';
      else if (e === '') return { ok: false, reason: 'it ends with a lone `\\`' };
      else out += `\\${e}`;
      continue;
    }
    if (c === '[') {
      const end = classEnd(src, i);
      if (end >= src.length) return { ok: false, reason: 'a `[` is never closed' };
      let body = src.slice(i + 1, end);
      const neg = body.startsWith('^') ? '^' : '';
      if (neg) body = body.slice(1);
      if (body.startsWith(']')) body = `\\${body}`;
      out += `[${neg}${flags.i ? foldClass(body) : body}]`;
      i = end;
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const g = groupOpening(rest, flags);
      if (g.reason) return { ok: false, reason: g.reason };
      out += g.out;
      if (g.scope) scopes.push(g.scope);
      i += g.length - 1;
      continue;
    }
    if (c === '(') {
      out += c;
      scopes.push(flags);
      continue;
    }
    if (c === ')') {
      if (scopes.length > 1) scopes.pop();
      out += c;
      continue;
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && src[i + 1] === '+')
      return { ok: false, reason: 'a possessive quantifier (`*+`, `++`, `?+`) has no JavaScript equivalent' };
    if (c === '.' && flags.s) {
      out += '[^]';
      continue;
    }
    out += flags.i ? foldChar(c) : c;
  }
  try {
    new RegExp(out);
  } catch {
    return { ok: false, reason: 'it is not a valid regular expression' };
  }
  return { ok: true, source: out };
}

/** A `(?…` construct at the start of `rest`: its translation, its length and the flags inside it. */
function groupOpening(
  rest: string,
  flags: Flags,
): { out: string; length: number; scope?: Flags; reason?: string } {
  const flagGroup = FLAG_GROUP.exec(rest);
  if (flagGroup) return { out: '', length: flagGroup[0].length };
  if (rest.startsWith('(?#')) {
    const end = rest.indexOf(')');
    if (end === -1) return { out: '', length: 0, reason: 'a `(?#` comment is never closed' };
    return { out: '', length: end + 1 };
  }
  const named = /^\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
  if (named) return { out: `(?<${named[1]}>`, length: named[0].length, scope: flags };
  const backref = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest);
  if (backref) return { out: `\\k<${backref[1]}>`, length: backref[0].length };
  const scoped = SCOPED.exec(rest);
  if (scoped && (scoped[1] || scoped[2])) {
    const f = { ...flags };
    for (const k of ['i', 's', 'x'] as const) {
      if ((scoped[1] ?? '').includes(k)) f[k] = true;
      if ((scoped[2] ?? '').includes(k)) f[k] = false;
    }
    return { out: '(?:', length: scoped[0].length, scope: f };
  }
  const plain = /^\(\?(?::|=|!|<=|<!)/.exec(rest);
  if (plain) return { out: plain[0], length: plain[0].length, scope: flags };
  return {
    out: '',
    length: 0,
    reason: `\`${rest.slice(0, 4)}…\` is Python syntax with no JavaScript equivalent (conditional or atomic group)`,
  };
}
