// Parameters from the command line and files, as axes: `-p name=value` (a YAML value; top-level
// commas and `a..b` integer ranges make a sweep axis) and `-f file.yml` (a mapping of names to
// values, its `sweep:` mapping holding the axes). Pure: the caller reads the file.
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, type Scalar } from 'yaml';
import { MAX_YAML_DEPTH, parseYaml } from '../../config/yaml-depth.js';
import { UserError } from '../../errors.js';
import { type ParamValue, PyFloat } from './python.js';

/** One parameter and the values it takes: one value is a fixed parameter, more a sweep axis. */
export interface Axis {
  name: string;
  values: ParamValue[];
}

/** Runs one sweep may expand to: a typo like `0..99999` should not launch the planet. */
export const MAX_AXIS_VALUES = 1000;

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

export function checkName(name: string, where: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || KEYWORDS.has(name))
    throw new UserError(
      `${where}: parameter name ${JSON.stringify(name)} is not a python identifier`,
      'use letters, digits and _ (not starting with a digit, not a python keyword)',
    );
}

const INT_SOURCE = /^[-+]?(?:[0-9]+|0x[0-9a-fA-F]+|0o[0-7]+)$/;
const RANGE = /^(-?\d+)\.\.(-?\d+)$/;

function scalarValue(node: Scalar, where: string): ParamValue {
  const v = node.value;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') {
    const src = typeof node.source === 'string' ? node.source : String(v);
    if (Number.isInteger(v) && INT_SOURCE.test(src)) {
      if (!Number.isSafeInteger(v))
        throw new UserError(`${where}: the integer ${src} is too large`, 'pass it as a string ("...")');
      return v;
    }
    return new PyFloat(v);
  }
  throw new UserError(`${where}: unsupported value`, 'use numbers, booleans, strings, lists or mappings');
}

function nodeValue(node: unknown, where: string): ParamValue {
  if (node === null || node === undefined) return null;
  if (isScalar(node)) return scalarValue(node, where);
  if (isSeq(node)) return node.items.map((n) => nodeValue(n, where));
  if (isMap(node)) {
    const out: Record<string, ParamValue> = {};
    for (const pair of node.items) {
      const k = String(isScalar(pair.key) ? pair.key.value : pair.key);
      if (Object.hasOwn(out, k))
        throw new UserError(`${where}: the key ${JSON.stringify(k)} is written twice`, 'keep one of them');
      // defineProperty: a key named `__proto__` is a key like any other, not the object's prototype.
      Object.defineProperty(out, k, {
        value: nodeValue(pair.value, where),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  throw new UserError(`${where}: unsupported YAML (aliases, tags)`, 'write the value out in full');
}

/** A sweep item: a plain `a..b` expands to the integers a to b inclusive. */
function axisItem(node: unknown, where: string): ParamValue[] {
  if (isScalar(node) && node.type === 'PLAIN' && typeof node.value === 'string') {
    const m = RANGE.exec(node.value);
    if (m) {
      const a = Number(m[1]);
      const b = Number(m[2]);
      if (b < a) throw new UserError(`${where}: the range ${node.value} is empty`, 'write it as low..high');
      if (b - a + 1 > MAX_AXIS_VALUES)
        throw new UserError(
          `${where}: the range ${node.value} has ${b - a + 1} values (at most ${MAX_AXIS_VALUES})`,
          'sweep a smaller range',
        );
      return Array.from({ length: b - a + 1 }, (_, i) => a + i);
    }
  }
  return [nodeValue(node, where)];
}

function firstError(doc: Document): string | null {
  const e = doc.errors[0];
  return e ? e.message.split('\n')[0]! : null;
}

/** Keys are checked for repeats here, in one pass, rather than by the `yaml` package's quadratic check. */
const PARSE = { uniqueKeys: false } as const;

/** The document, or a one-line error when the value nests deeper than any parameter needs. */
function parseValue(text: string, where: string, lineCounter?: LineCounter): Document {
  const parsed = parseYaml(text, { ...PARSE, ...(lineCounter ? { lineCounter } : {}) });
  if (!parsed.ok)
    throw new UserError(
      `${where}: the value nests more than ${MAX_YAML_DEPTH} levels deep`,
      'check the brackets; parameters need a few levels at most',
    );
  return parsed.doc;
}

/** `-p name=value`: the value's top-level commas separate sweep values (`[...]` is one list). */
export function parseParameterOption(text: string): Axis {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new UserError(`-p ${text}: expected name=value`, 'e.g. -p lr=3e-4, -p seed=0..2, -p lr=1e-3,3e-4');
  const name = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  const where = `-p ${name}`;
  checkName(name, where);
  // As a YAML flow sequence, top-level commas split the values and brackets or quotes keep a list
  // or a string with commas whole.
  const wrapped = parseValue(`[${raw}]`, where);
  let values: ParamValue[];
  if (!firstError(wrapped) && isSeq(wrapped.contents)) {
    values = wrapped.contents.items.flatMap((n) => axisItem(n, where));
  } else {
    const plain = parseValue(raw, where);
    const e = firstError(plain);
    if (e) throw new UserError(`${where}: ${e}`, 'quote the value, e.g. -p name="a b"');
    values = axisItem(plain.contents, where);
  }
  if (values.length === 0)
    throw new UserError(`${where} has no value`, `write ${name}=null or ${name}="" for an empty one`);
  if (values.length > MAX_AXIS_VALUES)
    throw new UserError(`${where} has ${values.length} values (at most ${MAX_AXIS_VALUES})`, 'sweep fewer');
  return { name, values };
}

/**
 * `-f file.yml`: a mapping of names to fixed values (a list is a list value), except its `sweep:`
 * mapping, whose lists and `a..b` ranges are sweep axes. Errors are `file:line`.
 */
export function parseParametersFile(text: string, file: string): Axis[] {
  const lc = new LineCounter();
  const line = (n: unknown) => {
    const r = (n as Node | null)?.range;
    return r ? lc.linePos(r[0]).line : 1;
  };
  const at = (n: unknown) => `${file}:${line(n)}`;
  const doc = parseValue(text, file, lc);
  const e = doc.errors[0];
  if (e)
    throw new UserError(`${file}:${e.linePos?.[0].line ?? 1}: ${e.message.split('\n')[0]}`, 'fix the YAML');
  if (doc.contents === null) return [];
  if (!isMap(doc.contents))
    throw new UserError(
      `${at(doc.contents)}: expected a mapping of parameter names to values`,
      'e.g. lr: 0.001',
    );
  const axes: Axis[] = [];
  // Where each name was set: a name set twice (fixed and swept, or twice) is an error, never a
  // silent choice of one of them.
  const seen = new Map<string, { line: number; swept: boolean }>();
  const add = (name: string, keyNode: unknown, values: ParamValue[], swept: boolean) => {
    const first = seen.get(name);
    if (first)
      throw new UserError(
        `${at(keyNode)}: parameter ${name} is already set at line ${first.line}${first.swept !== swept ? ' (a fixed value and a sweep)' : ''}`,
        'set it once: a fixed value, or a sweep under `sweep:`',
      );
    seen.set(name, { line: line(keyNode), swept });
    axes.push({ name, values });
  };
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'sweep' && isMap(pair.value)) {
      for (const p of pair.value.items) {
        const name = isScalar(p.key) ? String(p.key.value) : '';
        checkName(name, at(p.key));
        const values = isSeq(p.value)
          ? p.value.items.flatMap((n) => axisItem(n, at(n)))
          : axisItem(p.value, at(p.value));
        if (values.length === 0)
          throw new UserError(`${at(p.value)}: sweep ${name} has no values`, 'list some');
        add(name, p.key, values, true);
      }
      continue;
    }
    checkName(key, at(pair.key));
    add(key, pair.key, [nodeValue(pair.value, at(pair.value))], false);
  }
  return axes;
}

/** Later axes replace earlier ones of the same name, keeping the first one's place (as papermill). */
export function mergeAxes(...lists: Axis[][]): Axis[] {
  const byName = new Map<string, Axis>();
  for (const list of lists) for (const a of list) byName.set(a.name, a);
  return [...byName.values()];
}
