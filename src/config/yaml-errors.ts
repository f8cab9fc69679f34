// A YAML syntax error is reported once: the first problem, `file:line:col`, the source line and a
// caret under the column. One missing bracket makes the parser report dozens of follow-on errors;
// an unclosed `[` or `{` is the usual cause, so when there is one it is the error named.
import { type LineCounter, Parser, type YAMLError } from 'yaml';

export interface SyntaxProblem {
  line: number;
  col: number;
  message: string;
  /** The source line and a caret under the column. */
  excerpt: [string, string];
}

const CLOSER: Record<string, string> = { '[': ']', '{': '}' };

/** Offset and opening character of the first flow collection (`[…]`, `{…}`) that is never closed. */
export function firstUnclosedFlow(text: string): { offset: number; open: string } | null {
  let best: { offset: number; open: string } | null = null;
  // Iterative: a deeply nested text must not overflow the stack while its error is described.
  const stack: unknown[] = [...new Parser().parse(text)];
  while (stack.length > 0) {
    const x = stack.pop();
    if (!x || typeof x !== 'object') continue;
    if (Array.isArray(x)) {
      stack.push(...x);
      continue;
    }
    const t = x as {
      type?: string;
      offset?: number;
      start?: { source?: string };
      end?: { source?: string }[];
    };
    if (t.type === 'flow-collection' && t.start?.source && typeof t.offset === 'number') {
      const close = CLOSER[t.start.source];
      if (close && !(t.end ?? []).some((e) => e.source === close) && (!best || t.offset < best.offset))
        best = { offset: t.offset, open: t.start.source };
    }
    for (const [k, v] of Object.entries(t)) if (k !== 'start' && k !== 'end') stack.push(v);
  }
  return best;
}

/** Lines longer than this are cut to a window around the column. */
const EXCERPT_WIDTH = 100;

export function excerptAt(text: string, line: number, col: number): [string, string] {
  let source = (text.split(/\r?\n/)[line - 1] ?? '').replace(/\t/g, ' ');
  let at = Math.max(0, col - 1);
  if (source.length > EXCERPT_WIDTH) {
    const from = Math.max(0, Math.min(at - EXCERPT_WIDTH / 2, source.length - EXCERPT_WIDTH));
    source = `${from > 0 ? '…' : ''}${source.slice(from, from + EXCERPT_WIDTH)}${from + EXCERPT_WIDTH < source.length ? '…' : ''}`;
    at = at - from + (from > 0 ? 1 : 0);
  }
  return [`  ${source}`, `  ${' '.repeat(at)}^`];
}

export function firstSyntaxError(text: string, errors: readonly YAMLError[], lc: LineCounter): SyntaxProblem {
  const first = [...errors].sort((a, b) => a.pos[0] - b.pos[0])[0];
  const unclosed = firstUnclosedFlow(text);
  let offset: number;
  let message: string;
  if (unclosed && (!first || unclosed.offset <= first.pos[0])) {
    offset = unclosed.offset;
    message = `\`${unclosed.open}\` is never closed with \`${CLOSER[unclosed.open]}\``;
  } else {
    offset = first?.pos[0] ?? 0;
    message = (first?.message ?? 'invalid YAML').split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  }
  const { line, col } = lc.linePos(offset);
  return { line, col, message, excerpt: excerptAt(text, line, col) };
}
