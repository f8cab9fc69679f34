// TeX through KaTeX: inline and display math in Markdown, and `text/latex` outputs
// (display(Math(...)) gives `$\displaystyle …$`). KaTeX's HTML still goes through DOMPurify, and
// KaTeX's `trust` stays off, so \href, \htmlClass and friends cannot add links or attributes.
import katex from 'katex';
import { sanitizedFragment } from './sanitize.js';

export function mathHtml(tex: string, display: boolean): string {
  return katex.renderToString(tex, {
    displayMode: display,
    throwOnError: false,
    output: 'htmlAndMathml',
    strict: 'ignore',
  });
}

/** The TeX of a whole-math `text/latex` value without its delimiters, or null when it is prose. */
export function wholeMath(src: string): string | null {
  const s = src.trim();
  const m = /^\$\$([\s\S]+)\$\$$/.exec(s) ?? /^\\\[([\s\S]+)\\\]$/.exec(s) ?? /^\$([^$]+)\$$/.exec(s);
  if (m) return m[1]!;
  const paren = /^\\\(([\s\S]+)\\\)$/.exec(s);
  if (paren) return paren[1]!;
  return /^\\begin\{([a-z*]+)\}[\s\S]*\\end\{\1\}$/.test(s) ? s : null;
}

export function latexNode(src: string, prose: (s: string) => DocumentFragment): Node {
  const tex = wholeMath(src);
  const box = document.createElement('div');
  box.className = 'out latex';
  box.append(tex === null ? prose(src) : sanitizedFragment(mathHtml(tex, true)));
  return box;
}
