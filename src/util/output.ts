// The one place where everything the CLI prints passes: stdout and stderr writes are redacted
// (registered secrets, credentials in URLs), and a closed stdout (`mymlops status | head -1`) ends
// the command quietly with exit 0 instead of an unhandled EPIPE.
import { redact } from './log.js';

let installed = false;
/** Set while a follower runs: a closed stdout then stops following instead of ending the process. */
let onClosedStdout: (() => void) | null = null;

/** While `fn` is set, a closed stdout calls it (the job keeps running) instead of exiting 0. */
export function setClosedStdoutHandler(fn: (() => void) | null): void {
  onClosedStdout = fn;
}

type Write = NodeJS.WriteStream['write'];

function redacting(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string') return write(redact(chunk), ...rest);
    if (chunk instanceof Uint8Array) {
      // Only text is redacted; bytes that are not UTF-8 pass as they are.
      const text = Buffer.from(chunk).toString('utf8');
      if (Buffer.from(text, 'utf8').equals(chunk)) return write(redact(text), ...rest);
    }
    return write(chunk, ...rest);
  }) as Write;
}

/** Whether an error means the reader of our output went away (a closed pipe). */
export function isClosedPipe(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

export function guardOutput(exit: (code: number) => void = (c) => process.exit(c)): void {
  if (installed) return;
  installed = true;
  redacting(process.stdout);
  redacting(process.stderr);
  process.stdout.on('error', (e) => {
    if (!isClosedPipe(e)) throw e;
    if (onClosedStdout) onClosedStdout();
    else exit(0);
  });
  // stderr closed too: nothing left to tell anyone.
  process.stderr.on('error', (e) => {
    if (isClosedPipe(e)) exit(Number(process.exitCode ?? 0));
  });
}
