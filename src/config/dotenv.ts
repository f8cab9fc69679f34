// `.env` read exactly as the original tool read it: python-dotenv's `dotenv_values` (the 0.21 parser
// Debian packages). Quoted values may span lines; `\"`, `\n`, `\t`, … are decoded in double quotes,
// `\'` and `\\` in single quotes; an unquoted value ends at ` #`; `export ` is ignored; a line that
// does not parse is skipped (python-dotenv warned and went on). Then `${NAME}` and `${NAME:-default}`
// are expanded in every value, from the values above it first, then the environment. One deliberate
// difference: a UTF-8 byte order mark is dropped (python-dotenv kept it in the first name, so
// `$NAME` of the first line was "not set").

/** Name → value; null for a name written without `=` (python-dotenv's None). */
export type DotenvValues = Record<string, string | null>;

export interface DotenvResult {
  values: DotenvValues;
  /** 1-based lines python-dotenv could not parse (it skipped them with a warning). */
  badLines: number[];
}

// Python's `\s` (str.isspace) differs from JavaScript's: it has \x1c-\x1f and \x85, not \ufeff.
const WS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const HWS = '\\t\\v\\f\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const re = (s: string) => new RegExp(s, 'y');

const MULTILINE_WS = re(`[${WS}]*`);
const WHITESPACE = re(`[${HWS}]*`);
const EXPORT = re(`(?:export[${HWS}]+)?`);
const SINGLE_QUOTED_KEY = re("'([^']+)'");
const UNQUOTED_KEY = re(`([^=#${WS}]+)`);
const EQUAL_SIGN = re(`(=[${HWS}]*)`);
const SINGLE_QUOTED_VALUE = re("'((?:\\\\'|[^'])*)'");
const DOUBLE_QUOTED_VALUE = re('"((?:\\\\"|[^"])*)"');
const UNQUOTED_VALUE = re('([^\\r\\n]*)');
const COMMENT = re(`(?:[${HWS}]*#[^\\r\\n]*)?`);
const END_OF_LINE = re(`[${HWS}]*(?:\\r\\n|\\n|\\r|$)`);
const REST_OF_LINE = re('[^\\r\\n]*(?:\\r|\\n|\\r\\n)?');
const INLINE_COMMENT = new RegExp(`[${WS}]+#[^]*`);
const TRAILING_WS = new RegExp(`[${WS}]+$`);
const DOUBLE_QUOTE_ESCAPES = /\\[\\'"abfnrtv]/g;
const SINGLE_QUOTE_ESCAPES = /\\[\\']/g;
const ESCAPED: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};
const VARIABLE = /\$\{([^}:]*)(?::-([^}]*))?\}/g;

class Syntax extends Error {}

class Reader {
  pos = 0;
  constructor(readonly text: string) {}
  peek(): string {
    return this.text.charAt(this.pos);
  }
  read(regex: RegExp): string[] {
    regex.lastIndex = this.pos;
    const m = regex.exec(this.text);
    if (!m) throw new Syntax();
    this.pos += m[0].length;
    return m.slice(1);
  }
}

function parseValue(r: Reader): string {
  const c = r.peek();
  if (c === "'") return r.read(SINGLE_QUOTED_VALUE)[0]!.replace(SINGLE_QUOTE_ESCAPES, (e) => ESCAPED[e[1]!]!);
  if (c === '"') return r.read(DOUBLE_QUOTED_VALUE)[0]!.replace(DOUBLE_QUOTE_ESCAPES, (e) => ESCAPED[e[1]!]!);
  if (c === '' || c === '\n' || c === '\r') return '';
  return r.read(UNQUOTED_VALUE)[0]!.replace(INLINE_COMMENT, '').replace(TRAILING_WS, '');
}

/** The bindings of a .env text, in order (python-dotenv's parse_stream). */
export function parseDotenvBindings(raw: string): {
  bindings: [string, string | null][];
  badLines: number[];
} {
  // Python read the file in text mode: universal newlines.
  const text = raw.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  const r = new Reader(text);
  const bindings: [string, string | null][] = [];
  const badLines: number[] = [];
  while (r.pos < text.length) {
    const start = r.pos;
    try {
      r.read(MULTILINE_WS);
      if (r.pos >= text.length) break;
      r.read(EXPORT);
      let key: string | null;
      if (r.peek() === '#') key = null;
      else key = r.read(r.peek() === "'" ? SINGLE_QUOTED_KEY : UNQUOTED_KEY)[0]!;
      r.read(WHITESPACE);
      let value: string | null = null;
      if (r.peek() === '=') {
        r.read(EQUAL_SIGN);
        value = parseValue(r);
      }
      r.read(COMMENT);
      r.read(END_OF_LINE);
      if (key !== null) bindings.push([key, value]);
    } catch (e) {
      if (!(e instanceof Syntax)) throw e;
      // As python-dotenv: skip the rest of the line from where parsing failed.
      badLines.push(lineAt(text, start));
      r.read(REST_OF_LINE);
    }
  }
  return { bindings, badLines };
}

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** python-dotenv's `dotenv_values(path)` of this text (interpolation on, .env values before `env`). */
export function dotenvValues(raw: string, env: NodeJS.ProcessEnv): DotenvResult {
  const { bindings, badLines } = parseDotenvBindings(raw);
  const values: DotenvValues = {};
  for (const [name, value] of bindings) {
    const resolved =
      value === null
        ? null
        : value.replace(VARIABLE, (_m, ref: string, fallback: string | undefined) => {
            const v = Object.hasOwn(values, ref)
              ? values[ref]
              : Object.hasOwn(env, ref)
                ? env[ref]
                : (fallback ?? '');
            return v ?? '';
          });
    // defineProperty: a name such as `__proto__` is a name like any other.
    Object.defineProperty(values, name, {
      value: resolved,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { values, badLines };
}
