// Math in Markdown as Jupyter finds it, and the TeX MathJax accepts made acceptable to KaTeX. Pure
// text rules (unit-tested in node); math.ts typesets.
//
// `removeMath` is Jupyter's own algorithm (the notebook's and JupyterLab's `removeMath`): math is
// taken out before Markdown sees it, so `_`, `*` and `\\` inside it stay TeX, it may span single line
// breaks (never a blank line), braces are balanced, code spans and fences keep their dollars, and
// math inside raw HTML (`<p>$x$</p>`) is found too. Each piece is replaced by `@@n@@`.

const MATHSPLIT =
  /(\$\$?|\\(?:begin|end)\{[a-z]*\*?\}|\\[{}$]|[{}]|(?:\n\s*)+|@@\d+@@|\\\\(?:\(|\)|\[|\])|\\(?:eq)?ref\{[^{}\n]*\})/i;

export function removeMath(input: string): { text: string; math: string[] } {
  const math: string[] = [];
  let start: number | null = null;
  let end: string | null = null;
  let last: number | null = null;
  let braces = 0;
  let text = input;
  let deTilde = (s: string) => s;
  if (/`/.test(text)) {
    text = text
      .replace(/~/g, '~T')
      .replace(/^(?<fence>`{3,}|(~T){3,})[^`\n]*\n([\s\S]*?)^\k<fence>`*$/gm, (w) => w.replace(/\$/g, '~D'))
      .replace(/(^|[^\\])(`+)([^\n]*?[^`\n])\2(?!`)/gm, (w) => w.replace(/\$/g, '~D'));
    deTilde = (s) => s.replace(/~([TD])/g, (_, c: string) => (c === 'T' ? '~' : '$'));
  }
  const blocks = text.replace(/\r\n?/g, '\n').split(MATHSPLIT);
  const take = (i: number, j: number): void => {
    const block = blocks.slice(i, j + 1).join('');
    for (let k = j; k > i; k--) blocks[k] = '';
    blocks[i] = `@@${math.length}@@`;
    math.push(deTilde(block));
  };
  for (let i = 1; i < blocks.length; i += 2) {
    const block = blocks[i]!;
    if (block.charAt(0) === '@') {
      // Text that looks like a marker is kept and restored with the math.
      blocks[i] = `@@${math.length}@@`;
      math.push(block);
    } else if (start !== null) {
      if (block === end) {
        if (braces) last = i;
        else {
          take(start, i);
          start = end = last = null;
        }
      } else if (/\n.*\n/.test(block)) {
        if (last !== null) {
          i = last;
          take(start, i);
        }
        start = end = last = null;
        braces = 0;
      } else if (block === '{') braces++;
      else if (block === '}' && braces) braces--;
    } else if (block === '$' || block === '$$') {
      start = i;
      end = block;
      braces = 0;
    } else if (block === '\\\\(' || block === '\\\\[') {
      start = i;
      end = block.endsWith('(') ? '\\\\)' : '\\\\]';
      braces = 0;
    } else if (block.slice(1, 6) === 'begin') {
      start = i;
      end = `\\end${block.slice(6)}`;
      braces = 0;
    } else if (/^\\(?:eq)?ref\{/.test(block)) {
      // MathJax also typesets a \ref or \eqref in prose (processRefs).
      take(i, i);
    }
  }
  if (start !== null && last !== null) take(start, last);
  return { text: deTilde(blocks.join('')), math };
}

/** `html` with each `@@n@@` replaced by `render(math[n])`. */
export function replaceMath(html: string, math: string[], render: (m: string) => string): string {
  return html.replace(/@@(\d+)@@/g, (w, n: string) => {
    const m = math[Number(n)];
    return m === undefined ? w : m.charAt(0) === '@' ? m : render(m);
  });
}

const ENVS_DISPLAY = /\\begin\{(?:align|alignat|flalign|eqnarray|gather|multline|equation)\*?\}/;

/** A math piece without its delimiters, and whether it is displayed. */
export function unwrapMath(m: string): { tex: string; display: boolean } {
  const s = m.trim();
  const block = /^\$\$([\s\S]*)\$\$$/.exec(s) ?? /^\\\\\[([\s\S]*)\\\\\]$/.exec(s);
  if (block) return { tex: block[1]!, display: true };
  const inline = /^\$([\s\S]*)\$$/.exec(s) ?? /^\\\\\(([\s\S]*)\\\\\)$/.exec(s);
  if (inline) return { tex: inline[1]!, display: ENVS_DISPLAY.test(inline[1]!) };
  return { tex: s, display: !/^\\(?:eq)?ref\{/.test(s) };
}

/** What numbering and labels a notebook has seen so far: MathJax numbers across the whole page. */
export interface TexState {
  equations: number;
  labels: Map<string, number>;
  /** KaTeX's macro table: `\newcommand` in one cell is known in the next. */
  macros: Record<string, string>;
}

export function texState(): TexState {
  return { equations: 0, labels: new Map(), macros: { '\\mbox': '\\text{#1}' } };
}

/** `s` cut at `sep` where no brace or environment is open. */
function splitTop(s: string, sep: '\\\\' | '&'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && s.startsWith('\\begin{', i)) depth++;
    else if (c === '\\' && s.startsWith('\\end{', i)) depth--;
    if (c === '\\' && !(sep === '\\\\' && s[i + 1] === '\\')) {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      parts.push(s.slice(from, i));
      from = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(s.slice(from));
  return parts;
}

const LABEL = /\\label\{([^{}]*)\}/g;
const NUMBERED =
  /\\begin\{(equation|align|alignat|flalign|gather|eqnarray|multline)(\*?)\}((?:\{\d+\})?)([\s\S]*?)\\end\{\1\2\}/g;
// KaTeX's starred forms; eqnarray and multline, which KaTeX lacks, become align and gather.
const AS = { eqnarray: 'align', multline: 'gather' } as Record<string, string>;

/**
 * TeX as MathJax (AMS numbering) reads it, rewritten for KaTeX: numbered environments get explicit
 * `\tag{n}`s from the notebook-wide counter, `\label`s are recorded and dropped, `\ref`/`\eqref`
 * become their numbers, `eqnarray`'s three columns become align's two.
 */
export function prepareTex(tex: string, st: TexState): string {
  const out = tex.replace(NUMBERED, (_w, env: string, star: string, arg: string, body: string) => {
    const name = AS[env] ?? env;
    const rowsIn = env === 'equation' || env === 'multline' ? [body] : splitTop(body, '\\\\');
    const rows = rowsIn.map((row) => {
      let r = env === 'eqnarray' ? joinEqnarrayColumns(row) : row;
      const labels = [...r.matchAll(LABEL)].map((m) => m[1]!);
      r = r.replace(LABEL, '');
      const blank = r.trim() === '' && rowsIn.length > 1;
      if (star || blank || /\\(?:nonumber|notag)\b/.test(r) || /\\tag\*?\{/.test(r)) return r;
      const n = ++st.equations;
      for (const l of labels) st.labels.set(l, n);
      return `${r}\\tag{${n}}`;
    });
    if (env === 'multline')
      return `\\begin{gather*}${rowsIn.length ? splitTop(rows[0]!, '\\\\').join('\\\\') : ''}\\end{gather*}`;
    return `\\begin{${name}*}${arg}${rows.join('\\\\')}\\end{${name}*}`;
  });
  return out
    .replace(LABEL, '')
    .replace(/\\(eq)?ref\{([^{}]*)\}/g, (_w, eq: string | undefined, l: string) => {
      const n = st.labels.get(l);
      const v = n === undefined ? '??' : String(n);
      return `\\text{${eq ? `(${v})` : v}}`;
    });
}

function joinEqnarrayColumns(row: string): string {
  const cols = splitTop(row, '&');
  return cols.length === 3 ? `${cols[0]}&${cols[1]}${cols[2]}` : row;
}
