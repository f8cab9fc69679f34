// A notebook's rich HTML output as its own document, served with a CSP `sandbox` (no
// allow-same-origin): its scripts run in an opaque origin, never in the dashboard's, even when the
// URL is opened directly. A tiny script reports the height so the frame can fit its content.

type Mime = Record<string, unknown>;

function text(v: unknown): string {
  return Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '';
}

/** The HTML of output `o` of cell `c`, or null when that output has no text/html. */
export function htmlOutput(nb: unknown, c: number, o: number): string | null {
  const cells = (nb as { cells?: unknown[] })?.cells;
  const cell = Array.isArray(cells) ? (cells[c] as { outputs?: unknown[] } | undefined) : undefined;
  const out = Array.isArray(cell?.outputs) ? (cell.outputs[o] as { data?: Mime } | undefined) : undefined;
  const html = out?.data?.['text/html'];
  return html === undefined ? null : text(html);
}

export const OUTPUT_CSP =
  "sandbox allow-scripts; default-src * data: blob: 'unsafe-inline' 'unsafe-eval'; frame-ancestors 'self'";

// nbconvert's (JupyterLab's) rendered-HTML table rules, so a DataFrame looks as it does there:
// right-aligned cells, a rule under the header, striped and hovered rows, 12px text.
const TABLE_CSS =
  'table{border-collapse:collapse;border-spacing:0;border:none;color:rgba(0,0,0,.87);font-size:12px;table-layout:fixed;margin:0 0 1em}' +
  'thead{border-bottom:1px solid #bdbdbd;vertical-align:bottom}' +
  'td,th,tr{vertical-align:middle;padding:.5em;line-height:normal;white-space:normal;max-width:none;border:none;text-align:right}' +
  'th{font-weight:bold}tbody tr:nth-child(odd){background:#fff}tbody tr:nth-child(even){background:#f5f5f5}tbody tr:hover{background:#e1f5fe}';

// The body is a flow root (no margin escapes it), so its box is the content's height; a horizontal
// scrollbar adds its own.
const HEIGHT_SCRIPT =
  "(function(){function h(){var d=document.documentElement,b=document.body;parent.postMessage({mymlopsFrameHeight:Math.ceil(b.getBoundingClientRect().height)+(d.scrollWidth>d.clientWidth?d.offsetHeight-d.clientHeight||15:0)},'*')}addEventListener('load',h);new ResizeObserver(h).observe(document.body);h()})()";

export function outputDocument(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>html{overflow-y:hidden;overflow-x:auto}body{margin:0;display:flow-root;font:13px/1.4 system-ui,sans-serif}${TABLE_CSS}</style></head><body>${html}<script>${HEIGHT_SCRIPT}</script></body></html>`;
}
