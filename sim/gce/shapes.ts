// Response shapes of the Compute Engine API v1: ids are decimal strings, timestamps RFC 3339 with
// an offset, every resource has kind and selfLink, errors are {error:{code,message,errors[]}}.

let seq = 0n;
/** Unique 19-digit decimal id, as a string (int64 in JSON). */
export function newId(): string {
  seq++;
  return (4_000_000_000_000_000_000n + BigInt(Date.now()) * 1000n + seq).toString();
}

export function timestamp(d = new Date()): string {
  // Real responses use Pacific time with an offset; UTC with an explicit offset parses the same.
  return d.toISOString().replace('Z', '+00:00');
}

/** An error body; `errorInfo` adds the google.rpc.ErrorInfo detail newer errors carry (e.g. IAM_PERMISSION_DENIED). */
export function apiError(
  code: number,
  reason: string,
  message: string,
  domain = 'global',
  errorInfo?: string,
) {
  const details = errorInfo
    ? [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: errorInfo,
          domain: 'compute.googleapis.com',
        },
      ]
    : undefined;
  return { error: { code, message, errors: [{ message, domain, reason }], ...(details ? { details } : {}) } };
}

export function notFound(what: string) {
  return apiError(404, 'notFound', `The resource '${what}' was not found`);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'BAD REQUEST',
  403: 'FORBIDDEN',
  404: 'NOT FOUND',
  409: 'CONFLICT',
  429: 'TOO MANY REQUESTS',
  503: 'SERVICE UNAVAILABLE',
};
export const statusText = (code: number) => STATUS_TEXT[code] ?? 'ERROR';

/** A list page with `items`, or the `NO_RESULTS_ON_PAGE` warning of an empty aggregated scope. */
export function emptyScope(scope: string) {
  return {
    warning: {
      code: 'NO_RESULTS_ON_PAGE',
      message: `There are no results for scope '${scope}' on this page.`,
      data: [{ key: 'scope', value: scope }],
    },
  };
}
