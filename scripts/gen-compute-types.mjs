// The Compute Engine v1 wire types (src/adapters/gce/compute-v1.gen.ts), generated from Google's own
// definitions: gcloud's generated apitools client, compute_v1_messages.py, which ships with every
// gcloud install and carries every message, field, enum value and the reference text of each field.
// (@googleapis/compute types every enum as `string`, so a misspelt `provisioningModel` would pass.)
// Only the messages reachable from ROOTS are emitted. `--check` fails when the file differs from
// what the installed gcloud generates — when that gcloud is the version the file was made from;
// another version (or none) only prints a note, since the file is the record of one version.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'src', 'adapters', 'gce', 'compute-v1.gen.ts');
const MESSAGES = 'lib/googlecloudsdk/generated_clients/apis/compute/v1/compute_v1_messages.py';

/** What the client, the backend and the simulator send or read. */
const ROOTS = [
  'Instance',
  'InstanceList',
  'InstanceAggregatedList',
  'Operation',
  'OperationList',
  'OperationAggregatedList',
  'AcceleratorType',
  'AcceleratorTypeList',
  'AcceleratorTypeAggregatedList',
  'MachineType',
  'MachineTypeList',
  'MachineTypeAggregatedList',
  'Zone',
  'ZoneList',
  'Region',
  'RegionList',
  'Project',
  'Metadata',
  'SerialPortOutput',
  'GuestAttributes',
  'ComputeInstancesInsertRequest',
  'ComputeInstancesAggregatedListRequest',
  'ComputeInstancesListRequest',
  'ComputeInstancesGetSerialPortOutputRequest',
  'ComputeInstancesGetGuestAttributesRequest',
  'ComputeInstancesStopRequest',
  'ComputeInstancesDeleteRequest',
  'ComputeZoneOperationsListRequest',
  'ComputeAcceleratorTypesAggregatedListRequest',
  'ComputeMachineTypesAggregatedListRequest',
  'Image',
  'ImageList',
  'Disk',
  'Snapshot',
  'SnapshotList',
];

function sdkRoot() {
  if (process.env['CLOUDSDK_ROOT_DIR']) return process.env['CLOUDSDK_ROOT_DIR'];
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const bin = join(dir, 'gcloud');
    if (existsSync(bin)) return dirname(dirname(realpathSync(bin)));
  }
  try {
    return execFileSync('gcloud', ['info', '--format=value(installation.sdk_root)'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return null;
  }
}

/** Parses the apitools module: classes by indentation, their fields, enum values and field docs. */
export function parseMessages(text) {
  const lines = text.split('\n');
  const top = new Map();
  const stack = []; // { indent, cls }
  let pendingMap = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const indent = line.length - line.trimStart().length;
    const t = line.trim();
    if (t === '') continue;
    while (stack.length && indent <= stack[stack.length - 1].indent) stack.pop();
    const cur = stack[stack.length - 1]?.cls;
    if (/^r?"""/.test(t)) {
      const doc = [line];
      if (!(t.length > 4 && t.slice(t.startsWith('r') ? 4 : 3).includes('"""'))) {
        while (++i < lines.length && !lines[i].includes('"""')) doc.push(lines[i]);
        doc.push(lines[i] ?? '');
      }
      if (cur && cur.doc === null) cur.doc = parseDoc(doc, stack[stack.length - 1].indent);
      continue;
    }
    if (t.startsWith('@encoding.MapUnrecognizedFields')) {
      pendingMap = true;
      continue;
    }
    const c = /^class (\w+)\(_messages\.(Message|Enum)\):$/.exec(t);
    if (c) {
      const cls = {
        name: c[1],
        kind: c[2],
        map: pendingMap,
        fields: [],
        values: [],
        nested: new Map(),
        doc: null,
      };
      pendingMap = false;
      if (cur) cls.parent = cur;
      (cur ? cur.nested : top).set(cls.name, cls);
      stack.push({ indent, cls });
      continue;
    }
    if (!cur) continue;
    if (cur.kind === 'Enum') {
      const v = /^(\w+) = \d+$/.exec(t);
      if (v) cur.values.push(v[1]);
      continue;
    }
    const f = /^(\w+) = _messages\.(\w+)Field\((.*)\)$/.exec(t);
    if (!f) continue;
    const args = f[3];
    const ref = /^'([\w.]+)'/.exec(args)?.[1] ?? null;
    const variant = /variant=_messages\.Variant\.(\w+)/.exec(args)?.[1] ?? null;
    cur.fields.push({ name: f[1], type: f[2], ref, variant, repeated: /repeated=True/.test(args) });
  }
  return top;
}

/** The class summary and the `Fields:` entries of a docstring (entries at class indent + 4). */
function parseDoc(docLines, classIndent) {
  const body = docLines.map((l) => l.replace(/^(\s*)r?"""/, '$1').replace(/"""\s*$/, ''));
  const summary = [];
  for (const l of body) {
    if (l.trim() === '') break;
    summary.push(l.trim());
  }
  const fields = new Map();
  const at = body.findIndex((l) => l.trim() === 'Fields:');
  let name = null;
  if (at >= 0)
    for (const l of body.slice(at + 1)) {
      const ind = l.length - l.trimStart().length;
      if (l.trim() === '') break;
      const m = /^(\w+): ?(.*)$/.exec(l.trim());
      if (ind === classIndent + 4 && m) {
        name = m[1];
        fields.set(name, [m[2]]);
      } else if (name && ind > classIndent + 4) fields.get(name).push(l.trim());
    }
  return { summary: summary.join(' '), fields: new Map([...fields].map(([k, v]) => [k, v.join(' ')])) };
}

function resolve(cls, ref, top) {
  for (let c = cls; c; c = c.parent) if (c.nested.has(ref)) return c.nested.get(ref);
  return top.get(ref) ?? null;
}

const INT_AS_NUMBER = new Set(['INT32', 'UINT32', 'SINT32']);

/** A scalar field's JSON type (int64 travels as a decimal string); null for enums and messages. */
function scalarType(f) {
  if (f.type === 'String' || f.type === 'Bytes') return 'string';
  if (f.type === 'Boolean') return 'boolean';
  if (f.type === 'Float') return 'number';
  if (f.type === 'Integer') return INT_AS_NUMBER.has(f.variant) ? 'number' : 'string';
  return null;
}

/** The TypeScript type of a field as it is on the wire. */
function fieldType(cls, f, top, need, depth) {
  let t = scalarType(f);
  if (t === null)
    switch (f.type) {
      case 'Enum': {
        const e = resolve(cls, f.ref, top);
        t = e ? e.values.map((v) => `'${v}'`).join(' | ') : 'string';
        break;
      }
      case 'Message': {
        const m = resolve(cls, f.ref, top);
        if (!m) t = 'unknown';
        else if (!m.parent) {
          need.push(m.name);
          t = m.name;
        } else t = inline(m, top, need, depth);
        break;
      }
      default:
        t = 'unknown';
    }
  return f.repeated ? (t.includes(' ') ? `(${t})[]` : `${t}[]`) : t;
}

function inline(m, top, need, depth) {
  if (m.map) {
    const prop = m.nested.get('AdditionalProperty');
    const value = prop?.fields.find((x) => x.name === 'value');
    return `{ [key: string]: ${value ? fieldType(prop, value, top, need, depth) : 'unknown'} }`;
  }
  return `{\n${members(m, top, need, depth + 1)}${'  '.repeat(depth)}}`;
}

function comment(text, pad) {
  if (!text) return '';
  return `${pad}/** ${text.replace(/\*\//g, '* /')} */\n`;
}

function members(m, top, need, depth) {
  const pad = '  '.repeat(depth);
  return m.fields
    .map(
      (f) =>
        `${comment(m.doc?.fields.get(f.name), pad)}${pad}${f.name}?: ${fieldType(m, f, top, need, depth)};\n`,
    )
    .join('');
}

const qualified = (m) => (m.parent ? `${qualified(m.parent)}.${m.name}` : m.name);

/**
 * Every message reachable from ROOTS (nested ones by their qualified name) → field → its wire kind:
 * `string`, `number`, `boolean`, `enum:A|B`, `message:Name`, `map:<kind>`, `unknown`, with `[]` when
 * repeated. The simulator checks request bodies against it as Google does (unknown field, bad enum).
 */
function wireTable(top) {
  const table = {};
  const need = ROOTS.map((r) => top.get(r));
  const composite = (cls, f) => {
    if (f.type === 'Enum') {
      const e = resolve(cls, f.ref, top);
      return e ? `enum:${e.values.join('|')}` : 'string';
    }
    const m = f.type === 'Message' ? resolve(cls, f.ref, top) : null;
    if (!m) return 'unknown';
    if (m.map) {
      const prop = m.nested.get('AdditionalProperty');
      const value = prop?.fields.find((x) => x.name === 'value');
      return `map:${value ? kindOf(prop, value) : 'unknown'}`;
    }
    need.push(m);
    return `message:${qualified(m)}`;
  };
  const kindOf = (cls, f) => {
    const k = scalarType(f) ?? composite(cls, f);
    return f.repeated ? `${k}[]` : k;
  };
  while (need.length) {
    const m = need.shift();
    const name = qualified(m);
    if (table[name]) continue;
    table[name] = {};
    for (const f of m.fields) table[name][f.name] = kindOf(m, f);
  }
  return table;
}

export function generate(text, version) {
  const top = parseMessages(text);
  const need = [...ROOTS];
  const done = new Set();
  const out = [];
  while (need.length) {
    const name = need.shift();
    if (done.has(name)) continue;
    done.add(name);
    const m = top.get(name);
    if (!m) throw new Error(`${name} is not in compute_v1_messages.py`);
    out.push(`${comment(m.doc?.summary, '')}export interface ${name} {\n${members(m, top, need, 1)}}\n`);
  }
  return `/* Generated by scripts/gen-compute-types.mjs from gcloud ${version}'s ${MESSAGES.split('/').pop()}. Do not edit by hand. */
// Compute Engine v1 as it is on the wire: every field optional, int64 as a decimal string.
// gcloud: ${version}

${out.join('\n')}
/** Each message's fields as they are on the wire, for runtime checks of request bodies (the simulator). */
export const WIRE_FIELDS: Record<string, Record<string, string>> = ${JSON.stringify(wireTable(top), null, 2)};
`;
}

const sdk = sdkRoot();
const file = sdk ? join(sdk, MESSAGES) : null;
const check = process.argv.includes('--check');
if (!file || !existsSync(file)) {
  const msg = 'gcloud (its compute_v1_messages.py) not found';
  if (check) {
    console.error(`note: ${msg}; compute-v1.gen.ts not checked`);
    process.exit(0);
  }
  console.error(`${msg}: install the Google Cloud SDK, or set CLOUDSDK_ROOT_DIR`);
  process.exit(1);
}
const version = readFileSync(join(sdk, 'VERSION'), 'utf8').trim();
const text = generate(readFileSync(file, 'utf8'), version);
if (check) {
  const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
  const was = /^\/\/ gcloud: (.*)$/m.exec(current)?.[1];
  if (was && was !== version) {
    console.error(`note: compute-v1.gen.ts is from gcloud ${was}, this machine has ${version}; not checked`);
  } else if (current !== text) {
    console.error('src/adapters/gce/compute-v1.gen.ts is out of date — run `npm run gen:compute-types`');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target.slice(root.length + 1)} from gcloud ${version}`);
}
