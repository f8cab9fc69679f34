// Markdown cells through marked (GitHub-flavoured: tables with alignment, task lists, ~~strike~~,
// bare URLs, raw HTML such as <br> and <details>), with TeX math taken out before Markdown sees it
// (so `_` and `*` inside `$…$` stay TeX) and typeset by KaTeX. `attachment:` images resolve to the
// cell's own attachments. The result is sanitised (sanitize.ts) before it becomes DOM.
import { Marked, type TokenizerAndRendererExtension } from 'marked';
import { mathHtml } from './math.js';
import { sanitizedFragment } from './sanitize.js';

type Attachments = Record<string, Record<string, unknown>>;

interface MathToken {
  type: 'math' | 'mathBlock';
  raw: string;
  text: string;
  display: boolean;
}

const INLINE_MATH: [RegExp, boolean][] = [
  [/^\$\$([\s\S]+?)\$\$/, true],
  [/^\\\[([\s\S]+?)\\\]/, true],
  [/^\\\(([\s\S]+?)\\\)/, false],
  // `$5 and $10` is money, not math: no space inside the dollars, no digit right after.
  [/^\$(?!\s)((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/, false],
];

const inlineMath: TokenizerAndRendererExtension = {
  name: 'math',
  level: 'inline',
  start: (src) => {
    const i = src.search(/\$|\\[([]/);
    return i < 0 ? undefined : i;
  },
  tokenizer(src) {
    for (const [re, display] of INLINE_MATH) {
      const m = re.exec(src);
      if (m) return { type: 'math', raw: m[0], text: m[1]!, display } satisfies MathToken;
    }
    return undefined;
  },
  renderer: (t) => mathHtml((t as unknown as MathToken).text, (t as unknown as MathToken).display),
};

const BLOCK_MATH =
  /^ {0,3}(?:\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|(\\begin\{([a-z*]+)\}[\s\S]+?\\end\{\4\}))[ \t]*(?:\n+|$)/;

const blockMath: TokenizerAndRendererExtension = {
  name: 'mathBlock',
  level: 'block',
  start: (src) => {
    const i = src.search(/^ {0,3}(?:\$\$|\\\[|\\begin\{)/m);
    return i < 0 ? undefined : i;
  },
  tokenizer(src) {
    const m = BLOCK_MATH.exec(src);
    if (!m) return undefined;
    return { type: 'mathBlock', raw: m[0], text: m[1] ?? m[2] ?? m[3]!, display: true } satisfies MathToken;
  },
  renderer: (t) => `<div class="math-display">${mathHtml((t as unknown as MathToken).text, true)}</div>`,
};

const IMAGE_MIME = /^image\/(png|jpeg|gif|webp)$/;

function attachmentUrl(name: string, attachments: Attachments | undefined): string | null {
  const bundle = attachments?.[name];
  if (!bundle || !Object.hasOwn(attachments, name)) return null;
  for (const [mime, v] of Object.entries(bundle)) {
    const b64 = (Array.isArray(v) ? v.join('') : String(v)).replace(/\s+/g, '');
    if (IMAGE_MIME.test(mime) && /^[A-Za-z0-9+/=]+$/.test(b64)) return `data:${mime};base64,${b64}`;
  }
  return null;
}

/** The HTML marked makes of `src` (not yet sanitised). */
export function markdownHtml(src: string, attachments?: Attachments): string {
  const md = new Marked({ gfm: true, async: false });
  md.use({
    extensions: [blockMath, inlineMath],
    walkTokens(t) {
      if (t.type !== 'image' || !t.href.startsWith('attachment:')) return;
      t.href = attachmentUrl(decodeURIComponent(t.href.slice('attachment:'.length)), attachments) ?? '';
    },
  });
  return md.parse(src) as string;
}

export function markdownFragment(src: string, attachments?: Attachments): DocumentFragment {
  return sanitizedFragment(markdownHtml(src, attachments));
}

export function markdownNodes(src: string, attachments?: Attachments): HTMLElement {
  const el = document.createElement('div');
  el.className = 'md';
  el.append(markdownFragment(src, attachments));
  return el;
}
