// Browser-side formatting (local time zone): times, durations, money, metrics.

const p2 = (n: number) => String(n).padStart(2, '0');

export function localTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}`;
}

export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${p2(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${p2(m % 60)}m`;
  return `${Math.floor(h / 24)}d${p2(h % 24)}h`;
}

export function ago(iso: string | null, now: number): string {
  if (!iso) return '';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(s)) return '';
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

export function metric(v: number | undefined): string {
  if (v === undefined) return '';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(5)));
}

export function money(v: number | null, estimate: boolean): string {
  if (v === null) return '';
  return `${estimate ? '~' : ''}$${v < 0.01 && v > 0 ? v.toFixed(4) : v.toFixed(2)}`;
}

/** `git@github.com:me/proj.git` → `proj`. */
export function repoName(url: string | null): string {
  if (!url) return '';
  const last = url.replace(/\/+$/, '').split(/[/:]/).pop() ?? url;
  return last.replace(/\.git$/, '');
}

/** A `-p` value as a cell: numbers like metrics, strings as they are, anything else as JSON. */
export function paramText(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return metric(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? '';
}

/** A commit's value of parameter `name`, own properties only (`__proto__`, `valueOf` are names). */
export function paramValue(params: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(params, name) ? params[name] : undefined;
}
