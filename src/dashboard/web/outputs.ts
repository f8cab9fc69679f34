// One code-cell output as DOM. Of a rich output's types the one nbconvert's HTML exporter would pick
// is shown (its display priority). Text is text nodes (tracebacks keep their ANSI colours), long
// text is collapsed behind "show all", images are data: URLs, Markdown and LaTeX go through marked,
// KaTeX and DOMPurify, and rich HTML goes to a sandboxed frame served by
// /api/commits/<id>/outputs/<cell>/<n> (opaque origin, no access to this page).
import { ansiNodes } from './ansi.js';
import { base64DataUrl, h } from './dom.js';
import { type MarkdownContext, markdownFragment, markdownNodes } from './markdown.js';
import { latexNode } from './math.js';
import { collapseCarriageReturns, collapsedParts } from './output-text.js';
import { texState } from './tex.js';

export type Json = Record<string, unknown>;
export const text = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');

/**
 * nbconvert's HTMLExporter.display_data_priority (widgets and javascript aside: neither runs here),
 * then what it lacks but a viewer can still show.
 */
export const DISPLAY_PRIORITY = [
  'text/html',
  'text/markdown',
  'image/svg+xml',
  'text/latex',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/json',
  'text/plain',
] as const;

/** The mime type of `data` an output shows, or null when it has none the viewer knows. */
export function chosenMime(data: Json): string | null {
  return DISPLAY_PRIORITY.find((m) => data[m] !== undefined && data[m] !== null) ?? null;
}

// Lines per block of an expanded output: each block is laid out and painted only near the view
// (content-visibility), so "show all" on a 400,000-line log stays scrollable.
const BLOCK_LINES = 500;

function expandedNodes(s: string): Node[] {
  if (s.includes('\x1b') || s.length < 200_000) return ansiNodes(s);
  const lines = s.split('\n');
  const out: Node[] = [];
  for (let i = 0; i < lines.length; i += BLOCK_LINES) {
    const part = lines.slice(i, i + BLOCK_LINES);
    const block = h(
      'span',
      { class: 'out-block' },
      `${part.join('\n')}${i + BLOCK_LINES < lines.length ? '\n' : ''}`,
    );
    block.style.setProperty('contain-intrinsic-size', `auto ${part.length * 1.4}em`);
    out.push(block);
  }
  return out;
}

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
    pre.replaceChildren(...expandedNodes(s));
  });
  pre.append(...ansiNodes(parts.head), more, '\n', ...ansiNodes(parts.tail));
  return pre;
}

function image(mime: string, v: unknown): HTMLElement | null {
  if (mime === 'image/svg+xml')
    // As an <img>, an SVG's scripts never run.
    return h('img', {
      class: 'out image',
      src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text(v))}`,
      alt: 'svg',
    });
  const src = base64DataUrl(mime, text(v));
  return src === null ? null : h('img', { class: 'out image', src, alt: mime });
}

export function outputNode(
  o: Json,
  id: string,
  cell: number,
  n: number,
  ctx: MarkdownContext = { tex: texState() },
): Node | null {
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
  const mime = chosenMime(data);
  const node = richNode(mime, data, id, cell, n, ctx);
  // Which type was shown (as nbconvert's data-mime-type says).
  if (node instanceof HTMLElement && mime) node.dataset['mime'] = node.dataset['mime'] ?? mime;
  return node;
}

function richNode(
  mime: string | null,
  data: Json,
  id: string,
  cell: number,
  n: number,
  ctx: MarkdownContext,
): Node | null {
  const v = mime ? data[mime] : undefined;
  switch (mime) {
    case null:
      return null;
    case 'text/html':
      return h('iframe', {
        class: 'out html',
        sandbox: 'allow-scripts',
        referrerpolicy: 'no-referrer',
        loading: 'lazy',
        title: 'notebook output',
        src: `/api/commits/${encodeURIComponent(id)}/outputs/${cell}/${n}`,
      });
    case 'text/markdown':
      return markdownNodes(text(v), ctx);
    case 'text/latex':
      return latexNode(text(v), (s) => markdownFragment(s, ctx), ctx.tex);
    case 'application/json':
      return h('pre', { class: 'out' }, JSON.stringify(v, null, 2));
    case 'text/plain':
      return textBlock('out', text(v));
    default:
      return (
        image(mime, v) ??
        (data['text/plain'] !== undefined ? textBlock('out', text(data['text/plain'])) : null)
      );
  }
}
