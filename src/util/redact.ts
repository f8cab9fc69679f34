// Redaction: the values that must never be printed, and every form they are printed in. A value
// registered under a secret name is a secret only if it could be one: shorter than 8 characters, a
// number, or a single word of letters shorter than 16 (`true`, `3600`, `enabled`, `production`) is
// not — replacing those would change every `true` in a JSON body, not a secret. A secret is caught
// as written, JSON-escaped (also with non-ASCII as \uXXXX, as Python prints it) and URL-encoded
// (also with `+` for spaces). Text that arrives in pieces (a followed log) goes through
// StreamRedactor, which holds back a piece that could be the start of a secret.
import { redactUrlCredentials, urlTailAwaitingCredentials } from './url.js';

const secrets = new Set<string>();
/** Every form of every secret, longest first (a form inside a longer one is replaced after it). */
let forms: string[] = [];

/** Whether a value given as secret is treated as one (see above). */
export function couldBeSecret(value: string): boolean {
  const v = value.trim();
  if (v.length < 8) return false;
  if (/^[-+]?\d[\d_,]*(?:\.\d+)?(?:e[-+]?\d+)?$/i.test(v)) return false;
  return !(/^[a-z]+$/i.test(v) && v.length < 16);
}

function formsOf(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1);
  const ascii = json.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  let url = s;
  try {
    url = encodeURIComponent(s);
  } catch {
    // A lone surrogate has no URL form.
  }
  return [s, json, ascii, url, url.replaceAll('%20', '+')];
}

/** Register a value that must never be printed (secret-named .env values, tokens, key contents). */
export function addSecret(value: string): void {
  if (!couldBeSecret(value) || secrets.has(value)) return;
  secrets.add(value);
  forms = [...new Set([...forms, ...formsOf(value)])].sort((a, b) => b.length - a.length);
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
  for (const f of forms) if (out.includes(f)) out = out.split(f).join('***');
  return out;
}

// The end of a URL that may still get credentials (urlTailAwaitingCredentials), or the start of a
// scheme (`htt`), also waits: redactUrlCredentials needs the `@` to see them.
const SCHEME_STARTS = ['https://', 'http://', 'ssh://'];

function urlHeld(text: string): number {
  const url = urlTailAwaitingCredentials(text);
  if (url) return url;
  const word = /\S*$/.exec(text)?.[0].toLowerCase() ?? '';
  for (let k = Math.min(word.length, 7); k > 0; k--)
    if (SCHEME_STARTS.some((s) => s.startsWith(word.slice(-k)) && k < s.length)) return k;
  return 0;
}

/** How many characters at the end of `text` could be the start of a secret. */
function heldLength(text: string): number {
  let held = urlHeld(text);
  for (const f of forms) {
    for (let k = Math.min(f.length - 1, text.length); k > held; k--)
      if (text.charCodeAt(text.length - k) === f.charCodeAt(0) && text.endsWith(f.slice(0, k))) {
        held = k;
        break;
      }
  }
  return held;
}

/**
 * Redaction of text that arrives in pieces: a secret split across pieces (or printed one character
 * at a time) is still replaced, because the end of a piece that could begin one waits for the next.
 */
export class StreamRedactor {
  private held = '';

  /** What may be printed now. */
  push(text: string): string {
    const all = redact(this.held + text);
    const keep = heldLength(all);
    this.held = all.slice(all.length - keep);
    return all.slice(0, all.length - keep);
  }

  /** The stream ended: what was held back (it was not a secret after all). */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }
}
