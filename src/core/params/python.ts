// Parameter values as python source: the text of the `injected-parameters` cell, rendered the way
// papermill's PythonTranslator renders it (without black), so a notebook injected here reads the
// same as one papermill injected. Pure.

/** A YAML float kept apart from an integer: `3.0` must stay `3.0` in python, JSON would make it 3. */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type ParamValue =
  | null
  | boolean
  | string
  | number
  | PyFloat
  | ParamValue[]
  | { [k: string]: ParamValue };

export type JsonParam = null | boolean | string | number | JsonParam[] | { [k: string]: JsonParam };

/** Python's `repr(float)`: the shortest round-trip digits, scientific below 1e-4 and from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "float('nan')";
  if (!Number.isFinite(x)) return x < 0 ? "float('-inf')" : "float('inf')";
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${int}.${frac === '' ? '0' : frac}`;
}

/**
 * papermill's string rule: python's `unicode_escape` codec, then `"` escaped, in double quotes
 * (not `repr`, which would pick single quotes).
 */
export function pyString(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '"') out += '\\"';
    else if (c >= 0x10000) out += `\\U${c.toString(16).padStart(8, '0')}`;
    else if (c >= 0x100) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `"${out}"`;
}

export function pythonLiteral(v: ParamValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return pyString(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (Array.isArray(v)) return `[${v.map(pythonLiteral).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pyString(k)}: ${pythonLiteral(x)}`)
    .join(', ')}}`;
}

/** The injected cell's source: papermill's `# Parameters` comment, then one assignment a line. */
export function parametersCell(values: ReadonlyMap<string, ParamValue>): string {
  let out = '# Parameters\n';
  for (const [name, v] of values) out += `${name} = ${pythonLiteral(v)}\n`;
  return out;
}

/** The values as metadata.json stores them (non-finite floats as python spells them). */
export function toJson(v: ParamValue): JsonParam {
  if (v instanceof PyFloat)
    return Number.isFinite(v.value) ? v.value : Number.isNaN(v.value) ? 'nan' : v.value < 0 ? '-inf' : 'inf';
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

/**
 * The notebook's kernel language as papermill finds it (kernelspec, then language_info); a
 * notebook that names none runs on the default python kernel.
 */
export function kernelLanguage(metadata: Record<string, unknown> | undefined): string {
  const ks = metadata?.['kernelspec'] as { language?: unknown } | undefined;
  const li = metadata?.['language_info'] as { name?: unknown } | undefined;
  const lang =
    typeof ks?.language === 'string' ? ks.language : typeof li?.name === 'string' ? li.name : 'python';
  return lang;
}

export function canInject(language: string): boolean {
  return language.toLowerCase() === 'python';
}
