// One code-cell output as DOM. Text is text nodes (tracebacks keep their ANSI colours), long text
// is collapsed behind "show all", images are data: URLs, Markdown and LaTeX go through marked,
// KaTeX and DOMPurify, and rich HTML goes to a sandboxed frame served by
// /api/commits/<id>/outputs/<cell>/<n> (opaque origin, no access to this page).
import { ansiNodes } from './ansi.js';
import { h } from './dom.js';
import { markdownFragment, markdownNodes } from './markdown.js';
import { latexNode } from './math.js';
import { collapseCarriageReturns, collapsedParts } from './output-text.js';

export type Json = Record<string, unknown>;
export const text = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');

const IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** A <pre> of (ANSI) text; over COLLAPSE_OVER_LINES lines only its head and tail until expanded. */
function textBlock(cls: string, s: string): HTMLElement {
  const pre = h('pre', { class: cls });
  const parts = collapsedParts(s);
  if (!parts) {
    pre.append(...ansiNodes(s));
    return pre;
  }
  pre.classList.add('collapsed');
  const more = h(
    'button',
    { type: 'button', class: 'show-all chip' },
    `show all ${parts.total} lines (${parts.hidden} hidden)`,
  );
  more.addEventListener('click', () => {
    pre.classList.remove('collapsed');
    pre.replaceChildren(...ansiNodes(s));
  });
  pre.append(...ansiNodes(parts.head), more, '\n', ...ansiNodes(parts.tail));
  return pre;
}

export function outputNode(o: Json, id: string, cell: number, n: number): Node | null {
  const type = o['output_type'];
  if (type === 'stream')
    return textBlock(
      `out stream ${o['name'] === 'stderr' ? 'stderr' : ''}`,
      collapseCarriageReturns(text(o['text'])),
    );
  if (type === 'error') {
    const tb = Array.isArray(o['traceback'])
      ? (o['traceback'] as string[]).join('\n')
      : `${o['ename']}: ${o['evalue']}`;
    return textBlock('out error', tb);
  }
  const data = (o['data'] ?? {}) as Json;
  for (const mime of IMAGE_MIMES) {
    const b64 = text(data[mime]).replace(/\s+/g, '');
    if (b64 && /^[A-Za-z0-9+/=]+$/.test(b64))
      return h('img', { class: 'out image', src: `data:${mime};base64,${b64}`, alt: mime });
  }
  if (data['image/svg+xml']) {
    // As an <img>, an SVG's scripts never run.
    return h('img', {
      class: 'out image',
      src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text(data['image/svg+xml']))}`,
      alt: 'svg',
    });
  }
  if (data['text/html'] !== undefined) {
    return h('iframe', {
      class: 'out html',
      sandbox: 'allow-scripts',
      referrerpolicy: 'no-referrer',
      loading: 'lazy',
      title: 'notebook output',
      src: `/api/commits/${encodeURIComponent(id)}/outputs/${cell}/${n}`,
    });
  }
  if (data['text/markdown'] !== undefined) return markdownNodes(text(data['text/markdown']));
  if (data['text/latex'] !== undefined)
    return latexNode(text(data['text/latex']), (s) => markdownFragment(s));
  if (data['application/json'] !== undefined)
    return h('pre', { class: 'out' }, JSON.stringify(data['application/json'], null, 2));
  if (data['text/plain'] !== undefined) return textBlock('out', text(data['text/plain']));
  return null;
}
