// ANSI SGR escapes (tracebacks, coloured logs) → styled spans, as text nodes only.
// Pure parsing in `parseAnsi` (unit-tested in node); `ansiNodes` turns segments into DOM.

export interface AnsiSegment {
  text: string;
  fg: string | null;
  bg: string | null;
  bold: boolean;
  underline: boolean;
}

const BASIC = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

function xterm256(n: number): string {
  if (n < 8) return `ansi-${BASIC[n]}`;
  if (n < 16) return `ansi-bright-${BASIC[n - 8]}`;
  if (n < 232) {
    const v = n - 16;
    const c = (x: number) => (x === 0 ? 0 : 55 + x * 40);
    return `rgb(${c(Math.floor(v / 36))},${c(Math.floor(v / 6) % 6)},${c(v % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes
const ESC = /\x1b\[([0-9;]*)([A-Za-z])/g;

export function parseAnsi(input: string): AnsiSegment[] {
  const out: AnsiSegment[] = [];
  let st = { fg: null as string | null, bg: null as string | null, bold: false, underline: false };
  let last = 0;
  const push = (text: string) => {
    if (text) out.push({ text, ...st });
  };
  for (const m of input.matchAll(ESC)) {
    push(input.slice(last, m.index));
    last = (m.index ?? 0) + m[0].length;
    if (m[2] !== 'm') continue; // cursor movement etc.: dropped
    const codes = (m[1] || '0').split(';').map((x) => Number(x || 0));
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c === 0) st = { fg: null, bg: null, bold: false, underline: false };
      else if (c === 1) st = { ...st, bold: true };
      else if (c === 4) st = { ...st, underline: true };
      else if (c === 22) st = { ...st, bold: false };
      else if (c === 24) st = { ...st, underline: false };
      else if (c >= 30 && c <= 37) st = { ...st, fg: `ansi-${BASIC[c - 30]}` };
      else if (c >= 90 && c <= 97) st = { ...st, fg: `ansi-bright-${BASIC[c - 90]}` };
      else if (c === 39) st = { ...st, fg: null };
      else if (c >= 40 && c <= 47) st = { ...st, bg: `ansi-${BASIC[c - 40]}` };
      else if (c >= 100 && c <= 107) st = { ...st, bg: `ansi-bright-${BASIC[c - 100]}` };
      else if (c === 49) st = { ...st, bg: null };
      else if ((c === 38 || c === 48) && codes[i + 1] === 5) {
        const col = xterm256(codes[i + 2] ?? 0);
        st = c === 38 ? { ...st, fg: col } : { ...st, bg: col };
        i += 2;
      } else if ((c === 38 || c === 48) && codes[i + 1] === 2) {
        const col = `rgb(${codes[i + 2] ?? 0},${codes[i + 3] ?? 0},${codes[i + 4] ?? 0})`;
        st = c === 38 ? { ...st, fg: col } : { ...st, bg: col };
        i += 4;
      }
    }
  }
  push(input.slice(last));
  return out;
}

export function ansiNodes(input: string): Node[] {
  return parseAnsi(input).map((s) => {
    if (!s.fg && !s.bg && !s.bold && !s.underline) return document.createTextNode(s.text);
    const span = document.createElement('span');
    span.textContent = s.text;
    const cls: string[] = [];
    if (s.fg?.startsWith('ansi-')) cls.push(`${s.fg}-fg`);
    else if (s.fg) span.style.color = s.fg;
    if (s.bg?.startsWith('ansi-')) cls.push(`${s.bg}-bg`);
    else if (s.bg) span.style.backgroundColor = s.bg;
    if (s.bold) cls.push('ansi-bold');
    if (s.underline) cls.push('ansi-underline');
    if (cls.length) span.className = cls.join(' ');
    return span;
  });
}
