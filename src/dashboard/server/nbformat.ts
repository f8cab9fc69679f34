// nbformat 3 (and older) notebooks read as nbformat 4, the way nbformat's own v3 → v4 upgrade does
// it (nbformat/v4/convert.py): worksheets become one cell list, `input`/`prompt_number` become
// `source`/`execution_count`, heading cells become Markdown `#` headings, `pyout`/`pyerr` become
// `execute_result`/`error`, and short output keys (`png`, `text`, …) become mime types. Pure.

type Json = Record<string, unknown>;

const MIME: Record<string, string> = {
  text: 'text/plain',
  html: 'text/html',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpeg: 'image/jpeg',
  latex: 'text/latex',
  json: 'application/json',
  javascript: 'application/javascript',
  markdown: 'text/markdown',
};

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');

function upgradeOutput(o: Json): Json {
  const type = o['output_type'];
  if (type === 'pyout' || type === 'display_data') {
    const out: Json = { output_type: type === 'pyout' ? 'execute_result' : 'display_data', metadata: {} };
    if (type === 'pyout') out['execution_count'] = o['prompt_number'] ?? null;
    const data: Json = {};
    for (const [k, v] of Object.entries(o)) {
      if (k === 'output_type' || k === 'prompt_number' || k === 'metadata') continue;
      const mime = Object.hasOwn(MIME, k) ? MIME[k]! : k;
      data[mime] = mime === 'application/json' && typeof v === 'string' ? safeParse(v) : v;
    }
    out['data'] = data;
    if (isObj(o['metadata']))
      out['metadata'] = Object.fromEntries(
        Object.entries(o['metadata']).map(([k, v]) => [Object.hasOwn(MIME, k) ? MIME[k]! : k, v]),
      );
    return out;
  }
  if (type === 'pyerr') return { ...o, output_type: 'error' };
  if (type === 'stream') {
    const { stream, ...rest } = o;
    return { ...rest, name: (stream as string | undefined) ?? (o['name'] as string | undefined) ?? 'stdout' };
  }
  return o;
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function upgradeCell(c: Json): Json {
  const metadata = isObj(c['metadata']) ? { ...c['metadata'] } : {};
  const type = c['cell_type'];
  if (type === 'code') {
    if ('collapsed' in c) metadata['collapsed'] = c['collapsed'];
    const outputs = Array.isArray(c['outputs']) ? (c['outputs'] as unknown[]).filter(isObj) : [];
    return {
      cell_type: 'code',
      metadata,
      source: c['input'] ?? c['source'] ?? '',
      execution_count: typeof c['prompt_number'] === 'number' ? c['prompt_number'] : null,
      outputs: outputs.map(upgradeOutput),
    };
  }
  if (type === 'heading') {
    const level = typeof c['level'] === 'number' ? c['level'] : 1;
    const line = str(c['source']).split(/\r?\n/).join(' ');
    return { cell_type: 'markdown', metadata, source: `${'#'.repeat(level)} ${line}` };
  }
  if (type === 'html') return { cell_type: 'markdown', metadata, source: c['source'] ?? '' };
  return { ...c, metadata };
}

/** Whether `nb` is older than nbformat 4 (and so needs `upgradeNotebook`). */
export function isOldNotebook(nb: unknown): boolean {
  return isObj(nb) && typeof nb['nbformat'] === 'number' && nb['nbformat'] < 4;
}

/** `nb` as nbformat 4; a notebook that is already 4 or later is returned as it is. */
export function upgradeNotebook(nb: unknown): unknown {
  if (!isOldNotebook(nb)) return nb;
  const old = nb as Json;
  const sheets = Array.isArray(old['worksheets']) ? (old['worksheets'] as unknown[]).filter(isObj) : [];
  const cells = sheets.flatMap((w) =>
    Array.isArray(w['cells']) ? (w['cells'] as unknown[]).filter(isObj) : [],
  );
  const metadata = isObj(old['metadata']) ? { ...old['metadata'] } : {};
  delete metadata['name'];
  delete metadata['signature'];
  return { nbformat: 4, nbformat_minor: 0, metadata, cells: cells.map(upgradeCell) };
}
