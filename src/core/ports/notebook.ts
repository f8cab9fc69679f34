// The notebook as core sees it (read, cleared and serialised by src/adapters/notebook/).

export interface NotebookCell {
  cell_type: string;
  source?: unknown;
  metadata?: Record<string, unknown>;
  outputs?: { output_type?: string; ename?: string; evalue?: string }[];
  execution_count?: number | null;
  [k: string]: unknown;
}

export interface Notebook {
  cells: NotebookCell[];
  metadata?: Record<string, unknown>;
  nbformat: number;
  nbformat_minor?: number;
  [k: string]: unknown;
}
