// List and aggregatedList responses: `filter`, `maxResults`/`pageToken` paging, and the
// per-zone scopes (with the NO_RESULTS_ON_PAGE warning when empty) of aggregated lists.
import { type Reply, ok, type SimContext } from './context.js';
import { matches, parseFilter, type Resource } from './filter.js';
import { emptyScope } from './shapes.js';

export function list(kind: string, selfLink: string, items: Resource[], url: URL): Reply {
  const filtered = items.filter((r) => matches(r, parseFilter(url.searchParams.get('filter'))));
  const max = Math.min(Number(url.searchParams.get('maxResults') || 500), 500);
  const start = Number(url.searchParams.get('pageToken') || 0);
  const page = filtered.slice(start, start + max);
  const body: Resource = {
    kind,
    id: selfLink.replace(/^.*\/projects\//, 'projects/'),
    items: page,
    selfLink,
  };
  if (start + max < filtered.length) body['nextPageToken'] = String(start + max);
  return ok(body);
}

export function aggregated(
  ctx: SimContext,
  project: string,
  kind: string,
  key: string,
  url: URL,
  of: (z: string) => Resource[],
): Reply {
  const terms = parseFilter(url.searchParams.get('filter'));
  const items: Record<string, unknown> = {};
  for (const z of ctx.zones()) {
    const rs = of(z).filter((r) => matches(r, terms));
    items[`zones/${z}`] = rs.length ? { [key]: rs } : emptyScope(`zones/${z}`);
  }
  return ok({
    kind,
    id: `projects/${project}/aggregated/${key}`,
    items,
    selfLink: ctx.link(project, `aggregated/${key}`),
  });
}
