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
  const walk = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const y of x) walk(y);
      return;
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
    for (const [k, v] of Object.entries(t)) if (k !== 'start' && k !== 'end') walk(v);
  };
  for (const token of new Parser().parse(text)) walk(token);
  return best;
}

export function excerptAt(text: string, line: number, col: number): [string, string] {
  const source = (text.split(/\r?\n/)[line - 1] ?? '').replace(/\t/g, ' ');
  return [`  ${source}`, `  ${' '.repeat(Math.max(0, col - 1))}^`];
}

export function firstSyntaxError(text: string, errors: readonly YAMLError[], lc: LineCounter): SyntaxProblem {
  const unclosed = firstUnclosedFlow(text);
  const first = [...errors].sort((a, b) => a.pos[0] - b.pos[0])[0];
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
