// Pure text work on job logs for `mymlops logs`: the end of a log (--tail), the commit a machine
// name belongs to, and lining up a live log printed so far with the copy the job published.

/** The last `n` lines of `text` (a final newline does not count as a line of its own). */
export function tailLines(text: string, n: number): string {
  if (n <= 0) return '';
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (body === '') return '';
  const lines = body.split('\n');
  return `${lines.slice(-n).join('\n')}\n`;
}

/** The commit id of a commit machine name (`mymlops-YYYYmmdd-HHMMSS[-N][-aN]`), else null. */
export function commitOfMachine(name: string): string | null {
  const m = /^mymlops-(\d{8})-(\d{6})(?:-(\d+))?(?:-a\d+)?$/.exec(name);
  return m ? `${m[1]}_${m[2]}${m[3] ? `_${m[3]}` : ''}` : null;
}

/**
 * What of `published` (the job.log the job pushed) follows what was already printed from the live
 * machine. `lined` false: the two could not be lined up (e.g. the published log is capped to its
 * head and tail), so the caller prints all of it with a note.
 */
export function unprintedPart(printed: string, published: string): { text: string; lined: boolean } {
  if (printed === '') return { text: published, lined: true };
  if (published.startsWith(printed)) return { text: published.slice(printed.length), lined: true };
  // The last complete line printed, found at a line start in the published copy.
  const upto = printed.endsWith('\n') ? printed : printed.slice(0, printed.lastIndexOf('\n') + 1);
  const lines = upto.split('\n').slice(0, -1);
  const last = lines.reverse().find((l) => l.trim() !== '');
  if (last === undefined) return { text: published, lined: false };
  const needle = `${last}\n`;
  let at = published.lastIndexOf(`\n${needle}`);
  if (at >= 0) at += 1;
  else if (published.startsWith(needle)) at = 0;
  if (at < 0) return { text: published, lined: false };
  return { text: published.slice(at + needle.length), lined: true };
}
