// A long-running `git cat-file --batch` reading objects from the mirror without a checkout:
// one process for a whole refresh instead of one spawn per folder. Requests are answered in order.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { gitEnv } from '../git/git.js';
import { debug } from '../../util/log.js';

export interface GitObject {
  id: string;
  type: string;
  data: Buffer;
}

interface Pending {
  resolve: (o: GitObject | null) => void;
  reject: (e: Error) => void;
}

export class CatFileBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Body length of the object being received (after its header), or -1 while reading a header. */
  private want = -1;
  private header: { id: string; type: string } | null = null;
  private failed: Error | null = null;

  constructor(gitDir: string) {
    debug('exec git cat-file --batch', `(in ${gitDir})`);
    this.child = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], {
      env: gitEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    this.child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    this.child.stdout.on('data', (d: Buffer) => this.onData(d));
    const fail = (e: Error) => {
      this.failed = e;
      for (const p of this.queue.splice(0)) p.reject(e);
    };
    this.child.on('error', fail);
    this.child.on('close', (code) => {
      if (this.queue.length) fail(new Error(`git cat-file exited ${code}: ${stderr.trim()}`));
    });
    this.child.stdin.on('error', () => {});
  }

  /** Reads `spec` (an object id or `<rev>:<path>`); null when it does not exist. */
  read(spec: string): Promise<GitObject | null> {
    if (this.failed) return Promise.reject(this.failed);
    if (/[\n\r]/.test(spec)) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.child.stdin.write(`${spec}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }

  private onData(d: Buffer): void {
    this.chunks.push(d);
    this.buffered += d.length;
    for (;;) {
      if (this.want < 0) {
        // Header line: "<id> <type> <size>" or "<spec> missing".
        const first = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
        this.chunks = [first];
        const nl = first.indexOf(10);
        if (nl < 0) return;
        const line = this.take(nl + 1).toString('utf8', 0, nl);
        const parts = line.split(' ');
        if (parts[parts.length - 1] === 'missing' || parts[parts.length - 1] === 'ambiguous') {
          this.queue.shift()?.resolve(null);
          continue;
        }
        this.header = { id: parts[0]!, type: parts[1]! };
        this.want = Number(parts[2]);
      }
      if (this.buffered < this.want + 1) return;
      const body = this.take(this.want + 1).subarray(0, this.want);
      const h = this.header!;
      this.want = -1;
      this.header = null;
      this.queue.shift()?.resolve({ id: h.id, type: h.type, data: body });
    }
  }
}

export interface TreeEntry {
  mode: string;
  name: string;
  id: string;
  isTree: boolean;
}

/** Parses a raw tree object: repeated `<mode> <name>\0<binary id>`. */
export function parseTree(data: Buffer, idBytes: number): TreeEntry[] {
  const out: TreeEntry[] = [];
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(32, i);
    const nul = data.indexOf(0, sp);
    if (sp < 0 || nul < 0) break;
    const mode = data.toString('latin1', i, sp);
    const name = data.toString('utf8', sp + 1, nul);
    const id = data.toString('hex', nul + 1, nul + 1 + idBytes);
    out.push({ mode, name, id, isTree: mode === '40000' });
    i = nul + 1 + idBytes;
  }
  return out;
}
