// Debug logging (`--verbose` / MYMLOPS_VERBOSE=1) to stderr, with secrets redacted, and colours that
// honour NO_COLOR (picocolors alone turns colour on whenever CI is set).
import pc from 'picocolors';
import { redact } from './redact.js';
import { envValue } from './env.js';

let verbose = envValue('MYMLOPS_VERBOSE') === '1';

export { addSecret, addSecretKey, redact } from './redact.js';

export function setVerbose(v: boolean): void {
  verbose = v;
}

export function debug(...parts: unknown[]): void {
  if (!verbose) return;
  const text = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  process.stderr.write(`${color.dim(`debug: ${redact(text)}`)}\n`);
}

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  const noColor = envValue('NO_COLOR');
  if (noColor !== undefined && noColor !== '') return false;
  const force = envValue('FORCE_COLOR');
  if (force !== undefined && force !== '0') return true;
  return Boolean(stream.isTTY);
}

export const color = pc.createColors(useColor());
export const colorErr = pc.createColors(useColor(process.stderr));
