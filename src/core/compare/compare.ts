// Comparing commits: what each one was (notes, notebook, parameters, snapshot, machine, duration,
// cost), their metrics side by side, and between two of them (`from` → `to`) the notebook's source
// diff and the code diff of their snapshots. Read through ports, returned as one plain value that
// `diff --json` prints and the dashboard's compare view draws.
import type { Result } from '../../errors.js';
import type { CellError, CommitMetadata, CommitStatus } from '../model.js';
import type { CommitRow } from '../status/types.js';
import { compareMetrics, type MetricRow } from './metrics.js';
import { diffNotebooks, type NotebookDiff } from './notebook-diff.js';

export interface CompareCommit {
  id: string;
  status: CommitStatus;
  timestamp: string;
  notes: string | null;
  notebook: string | null;
  /** The notebook's path in the code repository (what the code diff leaves out). */
  notebook_path: string | null;
  /** Notebook parameters of the commit, when it recorded any. */
  parameters: Record<string, unknown> | null;
  /** The snapshot's git commit in the code repository (metadata.json source_commit). */
  snapshot: string | null;
  zone: string | null;
  machine_type: string | null;
  accelerator: string | null;
  duration_seconds: number | null;
  cost_usd: number | null;
  cost_estimate: boolean;
  attempt: number | null;
  error: CellError | null;
  metrics: Record<string, number>;
}

export type CodeDiff = { ok: true; diff: string } | { ok: false; note: string };

export interface Comparison {
  commits: CompareCommit[];
  /** The first commit is the baseline of every delta. */
  metrics: MetricRow[];
  from: string;
  to: string;
  /** Source diff of the two notebooks, null when one of them cannot be read (`notebook_note` says why). */
  notebook: NotebookDiff | null;
  notebook_note: string | null;
  code: CodeDiff;
}

/** What comparing needs from the world: the output repository and the code repository. */
export interface ComparePorts {
  /** A file of a commit's output folder, null when absent. */
  readCommitFile(id: string, name: string): Promise<Buffer | null>;
  /** `git diff` of two snapshots, leaving out `exclude` paths; an error is the one-line reason. */
  codeDiff(from: CompareCommit, to: CompareCommit, exclude: string[]): Promise<Result<string, string>>;
}

function parseJson(buf: Buffer | null): unknown {
  if (!buf) return null;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return null;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A row and its metadata.json (which holds what rows leave out: snapshot sha, notebook path). */
export function compareCommit(row: CommitRow, metadata: Partial<CommitMetadata> | null): CompareCommit {
  const m = (metadata ?? {}) as Partial<CommitMetadata> & { parameters?: unknown };
  const rowParams = (row as CommitRow & { parameters?: unknown }).parameters;
  // An empty record (a commit without parameters) shows as none.
  const filled = (v: unknown) => (isRecord(v) && Object.keys(v).length > 0 ? v : null);
  const parameters = filled(rowParams) ?? filled(m.parameters);
  return {
    id: row.id,
    status: row.status,
    timestamp: row.timestamp,
    notes: row.notes,
    notebook: row.notebook,
    notebook_path: typeof m.notebook_path === 'string' ? m.notebook_path : row.notebook,
    parameters,
    snapshot: typeof m.source_commit === 'string' ? m.source_commit : null,
    zone: row.machine?.zone ?? (typeof m.zone === 'string' ? m.zone : null),
    machine_type: row.machine?.machine_type ?? (typeof m.machine_type === 'string' ? m.machine_type : null),
    accelerator: row.accelerator,
    duration_seconds: row.duration_seconds,
    cost_usd: row.cost_usd,
    cost_estimate: row.cost_estimate,
    attempt: row.attempt,
    error: row.error,
    metrics: row.metrics,
  };
}

async function readMetadata(ports: ComparePorts, id: string): Promise<Partial<CommitMetadata> | null> {
  const v = parseJson(await ports.readCommitFile(id, 'metadata.json'));
  return isRecord(v) ? (v as Partial<CommitMetadata>) : null;
}

/** The notebook; null when not pushed yet, 'too-large' when larger than the reader allows. */
async function readNotebook(
  ports: ComparePorts,
  row: CommitRow,
  maxBytes: number | undefined,
): Promise<{ nb: unknown; size: number }> {
  const name = row.output_path?.slice(row.id.length + 1);
  const buf = name ? await ports.readCommitFile(row.id, name) : null;
  if (buf && maxBytes !== undefined && buf.length > maxBytes) return { nb: 'too-large', size: buf.length };
  return { nb: parseJson(buf), size: buf?.length ?? 0 };
}

const mb = (n: number) => `${Math.max(1, Math.round(n / 1e6))} MB`;

/**
 * `rows` (two or more, in the order shown; the first is the baseline) compared; the diffs are
 * between `from` and `to` (default: the first and the last).
 */
export async function compareCommits(
  rows: readonly CommitRow[],
  ports: ComparePorts,
  pair: {
    from?: string;
    to?: string;
    /** Notebooks larger than this are not diffed (a note says so). */
    maxNotebookBytes?: number;
  } = {},
): Promise<Comparison> {
  const commits = await Promise.all(rows.map(async (r) => compareCommit(r, await readMetadata(ports, r.id))));
  const fromI = Math.max(0, pair.from ? rows.findIndex((r) => r.id === pair.from) : 0);
  const toI = pair.to ? rows.findIndex((r) => r.id === pair.to) : rows.length - 1;
  const a = rows[fromI]!;
  const b = rows[toI < 0 ? rows.length - 1 : toI]!;
  const ca = commits[rows.indexOf(a)]!;
  const cb = commits[rows.indexOf(b)]!;
  // One after the other, each within the size limit: the peak is two notebooks of at most that size.
  const read = [
    { id: a.id, ...(await readNotebook(ports, a, pair.maxNotebookBytes)) },
    { id: b.id, ...(await readNotebook(ports, b, pair.maxNotebookBytes)) },
  ];
  const missing = read.filter((r) => r.nb === null).map((r) => r.id);
  const notes = [
    ...read
      .filter((r) => r.nb === 'too-large')
      .map(
        (r) =>
          `the notebook of ${r.id} is ${mb(r.size)}, more than the ${mb(pair.maxNotebookBytes ?? 0)} compared here: \`mymlops diff\` compares it`,
      ),
    ...(missing.length
      ? [`the notebook of ${missing.join(' and ')} is not in the output repository yet`]
      : []),
  ];
  const exclude = [...new Set([ca.notebook_path, cb.notebook_path].filter((p): p is string => !!p))];
  const code = await ports.codeDiff(ca, cb, exclude);
  return {
    commits,
    metrics: compareMetrics(commits),
    from: a.id,
    to: b.id,
    notebook: notes.length ? null : diffNotebooks(read[0]!.nb, read[1]!.nb),
    notebook_note: notes.length ? notes.join('; ') : null,
    code: code.ok ? { ok: true, diff: code.value } : { ok: false, note: code.error },
  };
}
