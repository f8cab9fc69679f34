// Credentials written into a remote URL (`https://user:TOKEN@host/repo.git`): which part of a URL is
// one, read as git reads it (`git credential fill`, checked by test/integration/git/
// url-credentials.test.ts): after `scheme://`, up to the first `@` that comes before the first `/`,
// `?` or `#`; a `:` in it parts user from password; both are percent-decoded. scp-like
// `git@host:path` and plain paths have no scheme, so no credentials.
//
// What is a secret: a password always; a user name too except on ssh, where it is the login
// (`ssh://git@host`, GitHub's tokens are also accepted as https user names). The credentials are
// split off so the URL can be printed, stored and put in argv while they travel only through the
// environment (or a 0600 file on the machine); in printed text they become `***` (src/util/log.ts
// applies redactUrlCredentials to every line).

export interface UrlCredentials {
  username: string;
  password: string;
}

export interface SplitUrl {
  /** The URL without its secret userinfo. */
  url: string;
  credentials: UrlCredentials | null;
}

interface Userinfo {
  scheme: string;
  /** The userinfo as written, without its `@`. */
  raw: string;
  user: string;
  /** null: no `:` in the userinfo. */
  password: string | null;
  /** Everything after the `@`: host, port, path. */
  rest: string;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The userinfo of a URL as git parses it; null when it has none (or no scheme). */
function userinfoOf(url: string): Userinfo | null {
  const m = SCHEME.exec(url);
  if (!m) return null;
  const after = url.slice(m[0].length);
  const at = after.indexOf('@');
  const end = after.search(/[/?#]/);
  if (at < 0 || (end >= 0 && end <= at)) return null;
  const raw = after.slice(0, at);
  const colon = raw.indexOf(':');
  return {
    scheme: m[1]!,
    raw,
    user: decode(colon < 0 ? raw : raw.slice(0, colon)),
    password: colon < 0 ? null : decode(raw.slice(colon + 1)),
    rest: after.slice(at + 1),
  };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const isSshScheme = (scheme: string) => /^(ssh|git\+ssh|ssh\+git)$/i.test(scheme);

/** The URL without its secret part, and that part (null when it has none). */
export function splitUrlCredentials(url: string): SplitUrl {
  const u = userinfoOf(url);
  if (!u || (u.raw === '' && u.password === null)) return { url, credentials: null };
  if (isSshScheme(u.scheme)) {
    if (u.password === null) return { url, credentials: null };
    const login = u.raw.slice(0, u.raw.indexOf(':'));
    return {
      url: `${u.scheme}://${login}@${u.rest}`,
      credentials: { username: u.user, password: u.password },
    };
  }
  return { url: `${u.scheme}://${u.rest}`, credentials: { username: u.user, password: u.password ?? '' } };
}

/** The URL as it may be printed or stored. */
export function stripUrlCredentials(url: string): string {
  return splitUrlCredentials(url).url;
}

/** The host, port and path of a URL with a scheme (what follows `scheme://` and any userinfo). */
export function urlWithoutUserinfo(url: string): string {
  const u = userinfoOf(url);
  return u ? u.rest : url.replace(SCHEME, '');
}

/** A URL's start in text; it runs to the next whitespace. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/\S*/gi;

/** The secret part of a URL's userinfo shown as `***` (`https://***@h`, `https://user:***@h`). */
function masked(url: string): string {
  const u = userinfoOf(url);
  if (!u || (u.raw === '' && u.password === null)) return url;
  const login = u.password === null ? u.raw : u.raw.slice(0, u.raw.indexOf(':'));
  if (u.password !== null) return `${u.scheme}://${login}:***@${u.rest}`;
  return isSshScheme(u.scheme) ? url : `${u.scheme}://***@${u.rest}`;
}

/** Every URL credential in a text (a log line, an error message, a URL) replaced by `***`. */
export function redactUrlCredentials(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(URL_IN_TEXT, masked);
}

/**
 * How many characters at the end of `text` are a URL that may still get credentials when more text
 * comes (`https://user:to` before `ken@host`): no `@` yet and nothing that ends the userinfo.
 */
export function urlTailAwaitingCredentials(text: string): number {
  return /[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]*$/i.exec(text)?.[0].length ?? 0;
}
