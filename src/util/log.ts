// Debug logging (`--verbose` / MYMLOPS_VERBOSE=1) to stderr, with secrets redacted, and colours that
// honour NO_COLOR (picocolors alone turns colour on whenever CI is set).
import pc from 'picocolors';
import { redactUrlCredentials } from './url.js';

let verbose = process.env['MYMLOPS_VERBOSE'] === '1';
const secrets = new Set<string>();

export function setVerbose(v: boolean): void {
  verbose = v;
}

/** Register a value that must never be printed (secret-named .env values, tokens, key contents). */
export function addSecret(value: string): void {
  if (value.length >= 4) secrets.add(value);
}

/**
 * Register a private key file's contents: the whole text and each line of its body, so that a key
 * printed in pieces (a wrapped error message, one line of a log) is redacted too.
 */
export function addSecretKey(text: string): void {
  addSecret(text.trim());
  for (const line of text.split(/\r?\n/))
    if (line.length >= 16 && !line.startsWith('-----')) addSecret(line.trim());
}

/** The text with every registered secret and every credential inside a URL replaced by `***`. */
export function redact(text: string): string {
  let out = redactUrlCredentials(text);
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

export function debug(...parts: unknown[]): void {
  if (!verbose) return;
  const text = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  process.stderr.write(`${color.dim(`debug: ${redact(text)}`)}\n`);
}

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if ('NO_COLOR' in process.env && process.env['NO_COLOR'] !== '') return false;
  if ('FORCE_COLOR' in process.env && process.env['FORCE_COLOR'] !== '0') return true;
  return Boolean(stream.isTTY);
}

export const color = pc.createColors(useColor());
export const colorErr = pc.createColors(useColor(process.stderr));
