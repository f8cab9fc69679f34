// The JSON the page reads (GET /api/status): only what the page shows. Never the config as a whole,
// .env values, deploy key paths or contents; every body also goes through `redact` (values from
// .env are registered as secrets when the config is loaded) and URLs lose any user:password@ part.
import { metricColumns } from '../../core/status/metrics.js';
import type { StatusSnapshot } from '../../core/status/service.js';
import { parameterNames } from '../../core/status/table.js';
import type { CommitRow } from '../../core/status/types.js';
import { webFileUrl } from '../../core/status/web-link.js';
import { MAX_COMPARED } from './compare-route.js';
import { stripUrlCredentials } from '../../util/url.js';

export interface ApiCommit extends CommitRow {
  /** The notebook on the output repository's web host (GitHub/GitLab), else null. */
  web_url: string | null;
}

export interface ApiStatus {
  generated_at: string;
  version: string;
  running: number;
  commits: ApiCommit[];
  metric_columns: string[];
  /** `-p` parameter names among the commits, in first-seen order: one column each. */
  parameter_columns: string[];
  /** The most commits GET /api/compare takes at once ("compare the group" stops there). */
  compare_limit: number;
  dev_vms: StatusSnapshot['dev_vms'];
  links: { name: string; url: string }[];
  warnings: string[];
}

export function apiStatus(
  snap: StatusSnapshot,
  opts: { links: Record<string, string>; outputRepo: { url: string; branch: string } | null },
): ApiStatus {
  const commits = snap.commits.map((c) => ({
    ...c,
    repository: c.repository && stripUrlCredentials(c.repository),
    web_url:
      opts.outputRepo && c.output_path
        ? webFileUrl(opts.outputRepo.url, opts.outputRepo.branch, c.output_path)
        : null,
  }));
  return {
    generated_at: snap.generated_at,
    version: snap.version,
    running: snap.running,
    commits,
    metric_columns: metricColumns(commits),
    parameter_columns: parameterNames(commits),
    compare_limit: MAX_COMPARED,
    dev_vms: snap.dev_vms,
    links: Object.entries(opts.links).map(([name, url]) => ({ name, url })),
    warnings: snap.warnings,
  };
}
