// Older notebook formats read by upgrading them to format 4, the way nbformat reads them (nbformat's
// v4 `upgrade`: worksheets flattened, `input`/`prompt_number` renamed, heading cells turned into
// Markdown headings, v3 outputs (`pyout`, `pyerr`, short MIME names) into v4 ones). The result is
// nbformat 4.4 (no cell ids, so the same file always gives the same notebook). Pure.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray(v) ? v.filter((x) => typeof x === 'string').join('') : '';

/** v3's short output keys and their MIME types. */
const MIME: Record<string, string> = {
  text: 'text/plain',
  html: 'text/html',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpeg: 'image/jpeg',
  latex: 'text/latex',
  json: 'application/json',
  javascript: 'application/javascript',
};

function mimeKeys(d: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(d)) out[MIME[k] ?? k] = v;
  return out;
}

function upgradeOutput(o: unknown): unknown {
  if (!isObject(o)) return o;
  const type = o['output_type'];
  if (type === 'pyout' || type === 'display_data') {
    const { output_type: _t, prompt_number, execution_count, metadata, ...rest } = o;
    const data = mimeKeys(rest);
    // v3 files keep JSON output as text (in lines, like every multi-line string); v4 as a value.
    const json = Array.isArray(data['application/json'])
      ? text(data['application/json'])
      : data['application/json'];
    if (typeof json === 'string') {
      try {
        data['application/json'] = JSON.parse(json);
      } catch {
        // left as text: nbformat would refuse it, the viewer can still show it
      }
    }
    const out: Json = {
      output_type: type === 'pyout' ? 'execute_result' : 'display_data',
      data,
      metadata: isObject(metadata) ? mimeKeys(metadata) : {},
    };
    if (type === 'pyout') out['execution_count'] = prompt_number ?? execution_count ?? null;
    return out;
  }
  if (type === 'pyerr') return { ...o, output_type: 'error' };
  if (type === 'stream') {
    const { stream, ...rest } = o;
    return { ...rest, name: rest['name'] ?? stream ?? 'stdout' };
  }
  return o;
}

function upgradeCell(c: unknown): unknown {
  if (!isObject(c)) return c;
  const metadata = isObject(c['metadata']) ? { ...c['metadata'] } : {};
  if (c['cell_type'] === 'code') {
    const { input, prompt_number, language: _l, collapsed, outputs, ...rest } = c;
    if (collapsed !== undefined) metadata['collapsed'] = collapsed;
    return {
      ...rest,
      metadata,
      source: input ?? rest['source'] ?? '',
      execution_count: prompt_number ?? null,
      outputs: Array.isArray(outputs) ? outputs.map(upgradeOutput) : [],
    };
  }
  if (c['cell_type'] === 'heading') {
    const { level, source, ...rest } = c;
    const hashes = '#'.repeat(typeof level === 'number' && level > 0 ? level : 1);
    return {
      ...rest,
      cell_type: 'markdown',
      metadata,
      source: `${hashes} ${text(source).split(/\r?\n/).join(' ')}`,
    };
  }
  if (c['cell_type'] === 'html') return { ...c, cell_type: 'markdown', metadata };
  return { ...c, metadata };
}

/** Whether `nb` is older than nbformat 4 (and so is shown and run through `upgradeNotebook`). */
export function isOldNotebook(nb: unknown): boolean {
  return isObject(nb) && typeof nb['nbformat'] === 'number' && nb['nbformat'] < 4;
}

/**
 * The notebook in format 4: an nbformat 3 notebook upgraded, anything else returned as it is (the
 * caller checks the shape and refuses formats it cannot read).
 */
export function upgradeNotebook(data: unknown): unknown {
  if (!isObject(data) || data['nbformat'] !== 3) return data;
  const { worksheets, orig_nbformat, orig_nbformat_minor, ...rest } = data;
  const metadata = isObject(rest['metadata']) ? { ...rest['metadata'] } : {};
  delete metadata['name'];
  delete metadata['signature'];
  metadata['orig_nbformat'] = orig_nbformat ?? 3;
  metadata['orig_nbformat_minor'] = orig_nbformat_minor ?? 0;
  const cells = (Array.isArray(worksheets) ? worksheets : []).flatMap((ws) =>
    isObject(ws) && Array.isArray(ws['cells']) ? ws['cells'].map(upgradeCell) : [],
  );
  return { ...rest, metadata, nbformat: 4, nbformat_minor: 4, cells };
}
