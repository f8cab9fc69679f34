// YAML read as the original tool read it: PyYAML's `safe_load`, YAML 1.1. The `yaml` package's 1.1
// schema is close but not the same, so its plain-scalar types are replaced by PyYAML's resolver
// rules (resolver.py) and constructors (constructor.py): `y`/`n` stay strings, a float needs a dot
// and a signed exponent (`1e5` and `1.0e5` are strings), `08` is a string, `017` is octal, `1_000`
// and `1:30` (sexagesimal) are numbers. Merge keys (`<<: *anchor`) are on; duplicate keys are
// allowed and the last one wins, as in PyYAML (the loader warns about them).
import {
  type DocumentOptions,
  isScalar,
  type ParseOptions,
  Scalar,
  type SchemaOptions,
  type ScalarTag,
  type Tags,
} from 'yaml';

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;

/** Base-60 digits summed from the last, in PyYAML's order (the float result rounds the same). */
function sexagesimal(s: string): number {
  const digits = s.split(':').map(Number).reverse();
  let value = 0;
  let base = 1;
  for (const d of digits) {
    value += d * base;
    base *= 60;
  }
  return value;
}

function splitSign(str: string): [number, string] {
  const v = str.replace(/_/g, '');
  if (v[0] === '-') return [-1, v.slice(1)];
  return [1, v[0] === '+' ? v.slice(1) : v];
}

/** PyYAML's construct_yaml_int. */
export function pyInt(str: string): number {
  const [sign, v] = splitSign(str);
  if (v === '0') return 0;
  if (v.startsWith('0b')) return sign * Number.parseInt(v.slice(2), 2);
  if (v.startsWith('0x')) return sign * Number.parseInt(v.slice(2), 16);
  if (v[0] === '0') return sign * Number.parseInt(v, 8);
  if (v.includes(':')) return sign * sexagesimal(v);
  return sign * Number(v);
}

/** PyYAML's construct_yaml_float. */
export function pyFloat(str: string): number {
  const [sign, raw] = splitSign(str);
  const v = raw.toLowerCase();
  if (v === '.inf') return sign * Number.POSITIVE_INFINITY;
  if (v === '.nan') return Number.NaN;
  if (v.includes(':')) return sign * sexagesimal(v);
  return sign * Number(v);
}

const pyTags: ScalarTag[] = [
  {
    tag: 'tag:yaml.org,2002:bool',
    default: true,
    identify: (v) => typeof v === 'boolean',
    test: BOOL,
    resolve: (s) => new Scalar(/^(?:yes|true|on)$/i.test(s)),
  },
  {
    tag: 'tag:yaml.org,2002:float',
    default: true,
    identify: (v) => typeof v === 'number',
    test: FLOAT,
    resolve: (s) => pyFloat(s),
  },
  {
    tag: 'tag:yaml.org,2002:int',
    default: true,
    identify: (v) => typeof v === 'number' && Number.isInteger(v),
    test: INT,
    resolve: (s) => pyInt(s),
  },
];

// An explicit `!!int`, `!!float` or `!!bool` runs PyYAML's constructor whatever the text looks like
// (`!!float 1` is 1.0): the `yaml` package only uses a tag with a `test` when the test matches.
const explicitTags: ScalarTag[] = pyTags.map(({ tag, identify, resolve }) => ({ tag, identify, resolve }));

const REPLACED = new Set(pyTags.map((t) => t.tag));

function customTags(tags: Tags): Tags {
  return [
    ...pyTags,
    ...explicitTags,
    ...tags.filter((t) => !REPLACED.has((t as { tag?: string }).tag ?? '')),
  ];
}

/** Options of `parseDocument` that read a text as PyYAML's safe_load. */
export const YAML11: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  schema: 'yaml-1.1',
  customTags,
  merge: true,
  uniqueKeys: false,
  prettyErrors: false,
};

/**
 * The value a plain (unquoted, untagged) scalar written as `text` has under the document's schema
 * (the tags of a document parsed with YAML11) — what substituting a placeholder into the raw text
 * gave in the original tool. Chosen as the `yaml` package chooses: the first default tag that matches.
 */
export function resolvePlain(text: string, tags: readonly unknown[]): unknown {
  for (const t of tags as ScalarTag[]) {
    if (t.default !== true || !t.test?.test(text)) continue;
    const v = t.resolve(text, () => {}, {});
    return isScalar(v) ? v.value : v;
  }
  return text;
}
