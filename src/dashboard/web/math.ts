// TeX through KaTeX: math in Markdown and `text/latex` outputs (display(Math(...)) gives
// `$\displaystyle …$`), with one TexState per notebook so equation numbers, labels and
// `\newcommand`s carry from cell to cell as MathJax's do. KaTeX's HTML still goes through
// DOMPurify, and KaTeX's `trust` stays off, so \href, \htmlClass and friends cannot add links or
// attributes.
import katex from 'katex';
import { sanitizedFragment } from './sanitize.js';
import { prepareTex, type TexState, texState, unwrapMath } from './tex.js';

function render(tex: string, display: boolean, st: TexState, throwOnError: boolean): string {
  return katex.renderToString(tex, {
    displayMode: display,
    throwOnError,
    output: 'htmlAndMathml',
    strict: 'ignore',
    macros: st.macros,
    // Definitions outlive the formula, as in MathJax.
    globalGroup: true,
  });
}

const known = new Map<string, boolean>();
/** Whether KaTeX itself defines the control sequence `name` (`\R`, `\vec`). */
function builtin(name: string): boolean {
  let v = known.get(name);
  if (v === undefined) {
    try {
      katex.renderToString(name, { throwOnError: true, strict: 'ignore' });
      v = true;
    } catch (e) {
      v = !/Undefined control sequence/.test((e as Error).message);
    }
    known.set(name, v);
  }
  return v;
}

/** MathJax lets \newcommand redefine and \renewcommand define; KaTeX refuses both: pick the one that works. */
function defineCommands(tex: string, st: TexState): string {
  return tex.replace(
    /\\(?:re)?newcommand\s*(\{\s*(\\[A-Za-z]+|\\.)\s*\}|(\\[A-Za-z]+|\\.))/g,
    (_w, arg: string, a, b) => {
      const name = (a ?? b) as string;
      const defined = Object.hasOwn(st.macros, name) || builtin(name);
      return `\\${defined ? 'renewcommand' : 'newcommand'}${arg}`;
    },
  );
}

export function mathHtml(tex: string, display: boolean, st: TexState = texState()): string {
  const src = defineCommands(prepareTex(tex, st), st);
  try {
    return render(src, display, st, true);
  } catch {
    return render(src, display, st, false);
  }
}

/** A math piece as Jupyter delimits it (`$…$`, `$$…$$`, `\\[…\\]`, an environment), typeset. */
export function mathPieceHtml(piece: string, st: TexState): string {
  const { tex, display } = unwrapMath(piece);
  return mathHtml(tex, display, st);
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

export function latexNode(src: string, prose: (s: string) => DocumentFragment, st: TexState): Node {
  const tex = wholeMath(src);
  const box = document.createElement('div');
  box.className = 'out latex';
  box.append(tex === null ? prose(src) : sanitizedFragment(mathHtml(tex, true, st)));
  return box;
}
