// Markdown cells as Jupyter renders them: math taken out first by Jupyter's own rule (tex.ts), the
// rest through marked (GitHub-flavoured: tables with alignment, task lists, ~~strike~~, bare URLs,
// raw HTML), footnotes as nbconvert lays them out, fenced code highlighted, then the math typeset
// by KaTeX where its markers were. `attachment:` images resolve to the cell's own attachments, and
// relative image paths to the commit's snapshot in the code repository (`resolveImage`). The result
// is sanitised (sanitize.ts) before it becomes DOM.
import { Marked, type TokenizerAndRendererExtension, type Tokens } from 'marked';
import { base64DataUrl } from './dom.js';
import { highlightHtml } from './highlight.js';
import { mathPieceHtml } from './math.js';
import { sanitizedFragment } from './sanitize.js';
import { removeMath, replaceMath, type TexState, texState } from './tex.js';

type Attachments = Record<string, Record<string, unknown>>;

export interface MarkdownContext {
  tex: TexState;
  /** URL of an image named by a relative path, or null to leave it as it is. */
  resolveImage?: (path: string) => string | null;
}

const IMAGE_MIME = /^image\/(png|jpeg|gif|webp)$/;

function attachmentUrl(name: string, attachments: Attachments | undefined): string | null {
  const bundle = attachments?.[name];
  if (!bundle || !Object.hasOwn(attachments, name)) return null;
  for (const [mime, v] of Object.entries(bundle)) {
    const url = IMAGE_MIME.test(mime) ? base64DataUrl(mime, Array.isArray(v) ? v.join('') : String(v)) : null;
    if (url) return url;
  }
  return null;
}

interface FootnoteDef extends Tokens.Generic {
  type: 'footnoteDef';
  id: string;
  tokens: Tokens.Generic[];
}

/** `[^id]` references and `[^id]: text` definitions, listed at the end as nbconvert does. */
function footnotes(state: {
  notes: { id: string; html: string }[];
  refs: Map<string, number>;
}): TokenizerAndRendererExtension[] {
  const ref: TokenizerAndRendererExtension = {
    name: 'footnoteRef',
    level: 'inline',
    start: (src) => {
      const i = src.indexOf('[^');
      return i < 0 ? undefined : i;
    },
    tokenizer(src) {
      const m = /^\[\^([^\]\s]+)\]/.exec(src);
      return m ? { type: 'footnoteRef', raw: m[0], id: m[1]! } : undefined;
    },
    renderer: (t) => {
      const key = String(t['id']);
      // Numbered in the order they are referenced, as nbconvert numbers them.
      if (!state.refs.has(key)) state.refs.set(key, state.refs.size + 1);
      const id = encodeURIComponent(key);
      return `<sup class="footnote-ref" id="fnref-${id}"><a href="#user-content-fn-${id}">${state.refs.get(key)}</a></sup>`;
    },
  };
  const def: TokenizerAndRendererExtension = {
    name: 'footnoteDef',
    level: 'block',
    start: (src) => {
      const i = src.search(/^\[\^[^\]\s]+\]:/m);
      return i < 0 ? undefined : i;
    },
    tokenizer(src) {
      const m = /^\[\^([^\]\s]+)\]:[ \t]*([^\n]*(?:\n(?:[ ]{2,}|\t)[^\n]*)*)(?:\n+|$)/.exec(src);
      if (!m) return undefined;
      return { type: 'footnoteDef', raw: m[0], id: m[1]!, tokens: this.lexer.inlineTokens(m[2]!) };
    },
    renderer(t) {
      const d = t as FootnoteDef;
      state.notes.push({
        id: encodeURIComponent(d.id),
        html: this.parser.parseInline(d.tokens as Tokens.Generic[] as never),
      });
      return '';
    },
  };
  return [ref, def];
}

// One parser for every cell (building one costs more than parsing a cell); what a parse needs of
// its cell (attachments, the footnotes it collects) is set around each synchronous parse.
const cellState: {
  attachments: Attachments | undefined;
  notes: { id: string; html: string }[];
  refs: Map<string, number>;
} = { attachments: undefined, notes: [], refs: new Map() };
const parser = new Marked({ gfm: true, async: false });
parser.use({
  extensions: footnotes(cellState),
  walkTokens(t) {
    if (t.type !== 'image' || !t.href.startsWith('attachment:')) return;
    t.href =
      attachmentUrl(decodeURIComponent(t.href.slice('attachment:'.length)), cellState.attachments) ?? '';
  },
  renderer: {
    code({ text: code, lang }) {
      const hl = highlightHtml(code, (lang ?? '').split(/\s/)[0]!.toLowerCase());
      return hl === null ? false : `<div class="highlight"><pre><code class="hljs">${hl}</code></pre></div>`;
    },
  },
});

/** The HTML of a Markdown source (not yet sanitised). */
export function markdownHtml(src: string, ctx: MarkdownContext, attachments?: Attachments): string {
  const { text, math } = removeMath(src);
  cellState.attachments = attachments;
  const notes: { id: string; html: string }[] = [];
  cellState.notes = notes;
  cellState.refs = new Map();
  let html: string;
  try {
    html = parser.parse(text) as string;
  } finally {
    cellState.attachments = undefined;
    cellState.notes = [];
  }
  if (notes.length)
    html += `<div class="footnotes"><hr><ol>${notes
      .map(
        (n) =>
          `<li id="fn-${n.id}"><p>${n.html}<a href="#user-content-fnref-${n.id}" class="footnote">↩</a></p></li>`,
      )
      .join('')}</ol></div>`;
  return replaceMath(html, math, (m) => mathPieceHtml(m, ctx.tex));
}

/** A relative path (no scheme, not absolute, not a fragment): an image next to the notebook. */
export function isRelativePath(src: string): boolean {
  return src !== '' && !/^(?:[a-z][a-z0-9+.-]*:|\/|#)/i.test(src);
}

export function markdownFragment(
  src: string,
  ctx: MarkdownContext = { tex: texState() },
  attachments?: Attachments,
): DocumentFragment {
  const frag = sanitizedFragment(markdownHtml(src, ctx, attachments));
  if (ctx.resolveImage)
    for (const img of frag.querySelectorAll('img[src]')) {
      const s = img.getAttribute('src')!;
      const url = isRelativePath(s) ? ctx.resolveImage(s) : null;
      if (url) img.setAttribute('src', url);
    }
  return frag;
}

export function markdownNodes(src: string, ctx?: MarkdownContext, attachments?: Attachments): HTMLElement {
  const el = document.createElement('div');
  el.className = 'md';
  el.append(markdownFragment(src, ctx, attachments));
  return el;
}
