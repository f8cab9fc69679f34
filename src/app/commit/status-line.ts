// One updating line at the bottom of a terminal while everything else still prints above it.
// While it is shown, every write to stderr (and to stdout when that is the same kind of terminal)
// first clears it and draws it again after; a write that leaves the cursor mid-line (a progress bar
// redrawn with \r) hides it until a line ends, so that the two never share a row.
import { colorErr } from '../../util/log.js';

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

export class StatusLine {
  private drawn = false;
  private atLineStart = true;
  private timer: NodeJS.Timeout | null = null;
  private readonly restore: (() => void)[] = [];
  private rawWrite: Write | null = null;
  private stderrRest = '';

  constructor(
    /** The line's text now (called at every draw: the elapsed time moves on). */
    private readonly text: () => string,
    /** Each complete line written to stderr by others (a backend's notices move the phase). */
    private readonly onStderrLine: (line: string) => void = () => {},
    private readonly term: NodeJS.WriteStream = process.stderr,
  ) {}

  start(): this {
    this.rawWrite = this.hook(this.term, true);
    if (process.stdout.isTTY && process.stdout !== this.term) this.hook(process.stdout, false);
    this.draw();
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
    return this;
  }

  /** Draws the line again (its text changed). */
  refresh(): void {
    this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clear();
    for (const r of this.restore.splice(0)) r();
    this.rawWrite = null;
  }

  private hook(stream: NodeJS.WriteStream, isTerm: boolean): Write {
    const write = stream.write.bind(stream) as Write;
    const mine = ((chunk: unknown, ...rest: unknown[]) => {
      this.clear();
      const ok = write(chunk, ...rest);
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      if (text) this.atLineStart = text.endsWith('\n');
      if (isTerm) this.seeStderr(text);
      this.draw();
      return ok;
    }) as NodeJS.WriteStream['write'];
    stream.write = mine;
    this.restore.push(() => {
      if (stream.write === mine) stream.write = write as NodeJS.WriteStream['write'];
    });
    return write;
  }

  private seeStderr(text: string): void {
    const lines = (this.stderrRest + text).split('\n');
    this.stderrRest = lines.pop() ?? '';
    for (const l of lines) this.onStderrLine(l.replace(/\x1b\[[0-9;]*m/g, ''));
  }

  private draw(): void {
    if (!this.rawWrite || !this.atLineStart) return;
    // One row only: a wrapped line could not be cleared with one \r.
    const width = Math.max(10, (this.term.columns || 80) - 1);
    const t = this.text();
    const line = t.length > width ? `${t.slice(0, width - 1)}…` : t;
    this.rawWrite(`\r\x1b[2K${colorErr.dim(line)}`);
    this.drawn = true;
  }

  private clear(): void {
    if (!this.drawn || !this.rawWrite) return;
    this.drawn = false;
    this.rawWrite('\r\x1b[2K');
  }
}
