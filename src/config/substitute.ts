// Placeholders follow the original tool's Python `string.Template`: `$NAME` and `${NAME}` are
// replaced, `$$` is a literal `$`, and any other `$` is an invalid placeholder (an error there too).
// Unlike the original they are replaced in YAML scalar values only (never in the raw text), so a
// value from .env cannot inject YAML structure; an unquoted scalar is then typed by YAML's rules
// (`local_port_min: $PORT` is a number), as pasting the value into the text did. `original.ts`
// checks that the original's reading agrees.
import { isPair, isScalar, Scalar, visit, type Document, type LineCounter } from 'yaml';
import type { DotenvValues } from './dotenv.js';
import { resolvePlain } from './yaml11.js';

export interface Placeholder {
  name: string;
  line: number;
  col: number;
}

export interface Substituted {
  name: string;
  value: string;
  /** Whether the value came from .env (else from the process environment). */
  fromDotenv: boolean;
}

export interface SubstituteResult {
  /** Names set neither in .env nor in the environment. */
  missing: Placeholder[];
  /** A `$` that starts no placeholder (`name` holds the text after it, for the message). */
  invalid: Placeholder[];
  /** Names written in .env without `=` (the original pasted the text `None`). */
  noValue: Placeholder[];
  /** Every placeholder that was replaced (the loader decides which values are secret). */
  used: Substituted[];
  /** `$$NAME` written where a value is expected: it stays a literal `$NAME` (worth a warning). */
  literal: (Placeholder & { key: string })[];
}

// string.Template's pattern: escaped `$$`, `$name`, `${name}` (ASCII identifiers, any case), or
// anything else after a `$`, which is invalid.
const LITERAL_NAME = /^(?:[_a-zA-Z][_a-zA-Z0-9]*|\{[_a-zA-Z][_a-zA-Z0-9]*\})/;
const TEMPLATE = /\$(?:(\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\}|())/g;

export type Expansion =
  | { ok: true; value: string; used: Substituted[]; literal: string[] }
  | { ok: false; missing: string[]; invalid: string[]; noValue: string[] };

/** Python's `Template(text).substitute(values)`, reporting every missing name and invalid `$`. */
export function expandTemplate(text: string, dotenv: DotenvValues, env: NodeJS.ProcessEnv): Expansion {
  const missing: string[] = [];
  const invalid: string[] = [];
  const noValue: string[] = [];
  const used: Substituted[] = [];
  const literal: string[] = [];
  const value = text.replace(TEMPLATE, (whole, dollar, named, braced, _bad, offset: number) => {
    if (dollar) {
      const after = LITERAL_NAME.exec(text.slice(offset + 2));
      if (after) literal.push(`$${after[0]}`);
      return '$';
    }
    const name = (named ?? braced) as string | undefined;
    if (name === undefined) {
      invalid.push(/^\$\S{0,12}/.exec(text.slice(offset))![0]);
      return whole;
    }
    if (Object.hasOwn(dotenv, name)) {
      const v = dotenv[name];
      if (v === null || v === undefined) {
        noValue.push(name);
        return whole;
      }
      used.push({ name, value: v, fromDotenv: true });
      return v;
    }
    const v = Object.hasOwn(env, name) ? env[name] : undefined;
    if (v !== undefined) {
      used.push({ name, value: v, fromDotenv: false });
      return v;
    }
    missing.push(name);
    return whole;
  });
  if (missing.length > 0 || invalid.length > 0 || noValue.length > 0)
    return { ok: false, missing, invalid, noValue };
  return { ok: true, value, used, literal };
}

export function substitutePlaceholders(
  doc: Document,
  lc: LineCounter,
  dotenv: DotenvValues,
  env: NodeJS.ProcessEnv,
): SubstituteResult {
  const out: SubstituteResult = { missing: [], invalid: [], noValue: [], used: [], literal: [] };
  const tags = doc.schema.tags;
  visit(doc, {
    Scalar(_key, node, path) {
      if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('$')) return;
      const pos = lc.linePos(node.range?.[0] ?? 0);
      const r = expandTemplate(node.value, dotenv, env);
      if (r.ok) {
        const plain = node.type === Scalar.PLAIN && !node.tag;
        node.value = plain ? resolvePlain(r.value, tags) : r.value;
        out.used.push(...r.used);
        const key = keyPath(path);
        // A shell command's `$NAME` is the shell's own variable: no warning there.
        if (!key.endsWith('command')) for (const name of r.literal) out.literal.push({ name, key, ...pos });
        return;
      }
      for (const name of r.missing) out.missing.push({ name, ...pos });
      for (const name of r.invalid) out.invalid.push({ name, ...pos });
      for (const name of r.noValue) out.noValue.push({ name, ...pos });
    },
  });
  return out;
}

function keyPath(path: readonly unknown[]): string {
  const keys: string[] = [];
  for (const p of path) if (isPair(p) && isScalar(p.key)) keys.push(String(p.key.value));
  return keys.join('.');
}
