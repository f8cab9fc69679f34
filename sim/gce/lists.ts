// List and aggregatedList responses: `filter`, `maxResults`/`pageToken` paging, and the
// per-zone scopes (with the NO_RESULTS_ON_PAGE warning when empty) of aggregated lists.
// compute v1 reference, `maxResults`: "The maximum number of results per page that should be
// returned. If the number of available results is larger than maxResults, Compute Engine returns a
// nextPageToken that can be used to get the next page of results in subsequent list requests.
// Acceptable values are 0 to 500, inclusive. (Default: 500)".
import { type Reply, ok, type SimContext } from './context.js';
import { matches, parseFilter } from './filter.js';
import { emptyScope } from './shapes.js';

/** The page `[start, start + size)` of `n` results asked for by `url`, and the next page's token. */
function page(ctx: SimContext, url: URL, n: number): { start: number; end: number; next?: string } {
  const asked = Number(url.searchParams.get('maxResults') || 500);
  const size = Math.max(1, Math.min(asked > 0 ? asked : 500, 500, ctx.opts.maxPageSize));
  const start = Number(url.searchParams.get('pageToken') || 0);
  const end = Math.min(start + size, n);
  return end < n ? { start, end, next: String(end) } : { start, end };
}

export function list(ctx: SimContext, kind: string, selfLink: string, items: object[], url: URL): Reply {
  const filtered = items.filter((r) => matches(r, parseFilter(url.searchParams.get('filter'))));
  const p = page(ctx, url, filtered.length);
  return ok({
    kind,
    id: selfLink.replace(/^.*\/projects\//, 'projects/'),
    items: filtered.slice(p.start, p.end),
    selfLink,
    ...(p.next ? { nextPageToken: p.next } : {}),
  });
}

/** Aggregated lists page over every zone's results in zone order; each zone is a scope of the page. */
export function aggregated(
  ctx: SimContext,
  project: string,
  kind: string,
  key: string,
  url: URL,
  of: (z: string) => object[],
): Reply {
  const terms = parseFilter(url.searchParams.get('filter'));
  const all = ctx.zones().flatMap((z) =>
    of(z)
      .filter((r) => matches(r, terms))
      .map((r) => ({ z, r })),
  );
  const p = page(ctx, url, all.length);
  const onPage = all.slice(p.start, p.end);
  const items: Record<string, unknown> = {};
  for (const z of ctx.zones()) {
    const rs = onPage.filter((x) => x.z === z).map((x) => x.r);
    items[`zones/${z}`] = rs.length ? { [key]: rs } : emptyScope(`zones/${z}`);
  }
  return ok({
    kind,
    id: `projects/${project}/aggregated/${key}`,
    items,
    selfLink: ctx.link(project, `aggregated/${key}`),
    ...(p.next ? { nextPageToken: p.next } : {}),
  });
}
