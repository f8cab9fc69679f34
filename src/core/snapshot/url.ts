// Credentials written into a remote URL (`https://user:TOKEN@host/repo.git`) are split off so the
// URL can be printed, stored and put in argv while the credential travels only through the
// environment (or a 0600 file on the machine).

export interface UrlCredentials {
  username: string;
  password: string;
}

export interface SplitUrl {
  /** The URL without userinfo. */
  url: string;
  credentials: UrlCredentials | null;
}

/** http(s) URLs only: ssh URLs (`git@host:…`, `ssh://git@host/…`) carry a user name, not a secret. */
export function splitUrlCredentials(url: string): SplitUrl {
  const m = /^(https?:\/\/)([^/@]*)@(.*)$/i.exec(url);
  if (!m) return { url, credentials: null };
  const [, scheme, userinfo = '', rest] = m;
  const colon = userinfo.indexOf(':');
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return {
    url: `${scheme}${rest}`,
    credentials: {
      username: decode(colon < 0 ? userinfo : userinfo.slice(0, colon)),
      password: colon < 0 ? '' : decode(userinfo.slice(colon + 1)),
    },
  };
}

/** The URL as it may be printed or stored. */
export function stripUrlCredentials(url: string): string {
  return splitUrlCredentials(url).url;
}
