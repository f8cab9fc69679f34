// A small, safe Markdown renderer for notebook cells: headings, paragraphs, lists, quotes, fenced
// code, tables, rules; inline code, bold, italics, links. Raw HTML is shown as text, never parsed.
// `parseMarkdown` is pure (unit-tested in node); `markdownNodes` builds DOM with text nodes only.

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'strong' | 'em'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] };

export type Block =
  | { t: 'h'; level: number; c: Inline[] }
  | { t: 'p'; c: Inline[] }
  | { t: 'code'; lang: string; v: string }
  | { t: 'list'; ordered: boolean; items: Inline[][] }
  | { t: 'quote'; c: Block[] }
  | { t: 'table'; head: Inline[][]; rows: Inline[][][] }
  | { t: 'hr' };

const INLINE =
  /(`+)([\s\S]*?)\1|\*\*(.+?)\*\*|__(.+?)__|\*(?!\s)(.+?)\*|(?<![\w])_(?!\s)(.+?)_(?![\w])|!?\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of src.matchAll(INLINE)) {
    if (m.index! > last) out.push({ t: 'text', v: src.slice(last, m.index) });
    last = m.index! + m[0].length;
    if (m[1]) out.push({ t: 'code', v: m[2]!.trim() === '' ? m[2]! : m[2]!.replace(/^ (.*) $/, '$1') });
    else if (m[3] !== undefined || m[4] !== undefined)
      out.push({ t: 'strong', c: parseInline(m[3] ?? m[4]!) });
    else if (m[5] !== undefined || m[6] !== undefined) out.push({ t: 'em', c: parseInline(m[5] ?? m[6]!) });
    else if (m[0].startsWith('!')) out.push({ t: 'text', v: m[7] ? `[image: ${m[7]}]` : '[image]' });
    else out.push({ t: 'link', href: m[8]!, c: parseInline(m[7]!) });
  }
  if (last < src.length) out.push({ t: 'text', v: src.slice(last) });
  return out;
}

const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (/^\s*$/.test(line)) {
      i++;
      continue;
    }
    const fence = /^\s*(```+|~~~+)\s*([\w+-]*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++;
      out.push({ t: 'code', lang: fence[2] ?? '', v: body.join('\n') });
      continue;
    }
    const hm = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (hm) {
      out.push({ t: 'h', level: hm[1]!.length, c: parseInline(hm[2]!) });
      i++;
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push({ t: 'hr' });
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) body.push(lines[i++]!.replace(/^\s*>\s?/, ''));
      out.push({ t: 'quote', c: parseMarkdown(body.join('\n')) });
      continue;
    }
    const li = /^\s*([-*+]|\d+[.)])\s+/;
    if (li.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: string[] = [];
      while (i < lines.length && !/^\s*$/.test(lines[i]!)) {
        const l = lines[i]!;
        if (li.test(l)) items.push(l.replace(li, ''));
        else items[items.length - 1] += ` ${l.trim()}`;
        i++;
      }
      out.push({ t: 'list', ordered, items: items.map(parseInline) });
      continue;
    }
    if (
      line.includes('|') &&
      i + 1 < lines.length &&
      /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(lines[i + 1]!)
    ) {
      const head = cellsOf(line).map(parseInline);
      i += 2;
      const rows: Inline[][][] = [];
      while (i < lines.length && lines[i]!.includes('|') && !/^\s*$/.test(lines[i]!))
        rows.push(cellsOf(lines[i++]!).map(parseInline));
      out.push({ t: 'table', head, rows });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && !/^\s*$/.test(lines[i]!) && !/^\s*(#{1,6}\s|```|~~~|>)/.test(lines[i]!))
      para.push(lines[i++]!);
    out.push({ t: 'p', c: parseInline(para.join('\n')) });
  }
  return out;
}

function safeLink(href: string): string | null {
  try {
    const u = new URL(href, location.href);
    return ['http:', 'https:', 'mailto:'].includes(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

function inlineNodes(list: Inline[], parent: HTMLElement): void {
  for (const n of list) {
    if (n.t === 'text') parent.appendChild(document.createTextNode(n.v));
    else if (n.t === 'code') {
      const c = document.createElement('code');
      c.textContent = n.v;
      parent.appendChild(c);
    } else if (n.t === 'link') {
      const href = safeLink(n.href);
      const a = document.createElement(href ? 'a' : 'span');
      if (href && a instanceof HTMLAnchorElement) {
        a.href = href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
      }
      inlineNodes(n.c, a);
      parent.appendChild(a);
    } else {
      const el = document.createElement(n.t);
      inlineNodes(n.c, el);
      parent.appendChild(el);
    }
  }
}

function blockNodes(blocks: Block[], parent: HTMLElement): void {
  for (const b of blocks) {
    let el: HTMLElement;
    if (b.t === 'h') {
      el = document.createElement(`h${Math.min(6, b.level + 1)}`);
      inlineNodes(b.c, el);
    } else if (b.t === 'p') {
      el = document.createElement('p');
      inlineNodes(b.c, el);
    } else if (b.t === 'code') {
      el = document.createElement('pre');
      const code = document.createElement('code');
      code.textContent = b.v;
      el.appendChild(code);
    } else if (b.t === 'list') {
      el = document.createElement(b.ordered ? 'ol' : 'ul');
      for (const it of b.items) {
        const li = document.createElement('li');
        inlineNodes(it, li);
        el.appendChild(li);
      }
    } else if (b.t === 'quote') {
      el = document.createElement('blockquote');
      blockNodes(b.c, el);
    } else if (b.t === 'table') {
      el = document.createElement('table');
      const tr = document.createElement('tr');
      for (const c of b.head) {
        const th = document.createElement('th');
        inlineNodes(c, th);
        tr.appendChild(th);
      }
      el.appendChild(tr);
      for (const r of b.rows) {
        const row = document.createElement('tr');
        for (const c of r) {
          const td = document.createElement('td');
          inlineNodes(c, td);
          row.appendChild(td);
        }
        el.appendChild(row);
      }
    } else el = document.createElement('hr');
    parent.appendChild(el);
  }
}

export function markdownNodes(src: string): HTMLElement {
  const div = document.createElement('div');
  div.className = 'md';
  blockNodes(parseMarkdown(src), div);
  return div;
}
