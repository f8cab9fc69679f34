// Credentials inside URLs (`https://user:TOKEN@host/…`, `https://TOKEN@host/…`) are never printed or
// stored: these are the one place that removes them. An ssh URL's user (`ssh://git@host`) is no
// secret and stays; its password, if any, goes.

// scheme://userinfo@ — userinfo without `/`, `@` or whitespace.
const WITH_USERINFO = /\b([a-z][a-z0-9+.-]*):\/\/([^\s/@:]*)(?::([^\s/@]*))?@/gi;

function replaceUserinfo(scheme: string, user: string, password: string | undefined): string {
  const s = scheme.toLowerCase();
  if (password !== undefined) return `${scheme}://${user}:***@`;
  // A lone https user is usually a token (GitHub accepts a token as the user name).
  if (s === 'ssh' || s === 'git+ssh' || s === 'ssh+git') return `${scheme}://${user}@`;
  return `${scheme}://***@`;
}

/** The URL with its credentials replaced by `***` (`https://user:***@host/…`, `https://***@host/…`). */
export function stripUrlCredentials(url: string): string {
  return redactUrlCredentials(url);
}

/** Every URL credential in a text (a log line, an error message) replaced by `***`. */
export function redactUrlCredentials(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(WITH_USERINFO, (whole, scheme: string, user: string, password: string | undefined) =>
    user === '' && password === undefined ? whole : replaceUserinfo(scheme, user, password),
  );
}
