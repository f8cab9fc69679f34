// Rules the schema cannot say: cross-key constraints checked on the normalised config.
// Each finding names a key path so the loader can point at the line.
import { safeRegExp } from '../util/regex.js';
import { branchNameProblem } from './refname.js';
import { sameRepository } from './repo-url.js';
import type { Config, Repository } from './types.js';

export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

const isSshUrl = (url: string): boolean =>
  url.startsWith('ssh://') || /^([A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+:(?!\/\/)/.test(url);

export function checkRules(c: Config): RuleIssue[] {
  const out: RuleIssue[] = [];
  const repo = (r: Repository, path: string[]) => {
    const refused = branchNameProblem(r.branch);
    if (refused)
      out.push({ path: [...path, 'branch'], message: `is not a branch name git accepts: it ${refused}` });
    if (c.backend === 'gce' && isSshUrl(r.url) && !r.deploy_key)
      out.push({
        path: [...path, 'deploy_key'],
        message: 'is required for an ssh URL on the gce backend (path of a private key file)',
      });
  };
  for (const section of ['commit', 'start'] as const) {
    const s = c[section];
    if (!s) continue;
    if (c.backend === 'gce' && !s.instance)
      out.push({
        path: [section, 'instance'],
        message: 'is required on the gce backend (zone_regex, machine_type, snapshot)',
      });
    if (s.instance && safeRegExp(s.instance.zone_regex) === null)
      out.push({ path: [section, 'instance', 'zone_regex'], message: 'is not a valid regular expression' });
    if (s.instance && s.instance.accelerator_count > 1 && !s.instance.accelerator)
      out.push({ path: [section, 'instance', 'accelerator_count'], message: 'needs accelerator to be set' });
    repo(s.repository, [section, 'repository']);
  }
  if (c.commit) {
    repo(c.commit.output_repository, ['commit', 'output_repository']);
    const { repository: code, output_repository: output } = c.commit;
    if (code.branch === output.branch && sameRepository(code.url, output.url, c.dir))
      out.push({
        path: ['commit', 'output_repository'],
        message: `is the code repository on the same branch (${output.branch}): results would be committed onto your code — use another repository or branch`,
      });
    if (!isSeconds(c.commit.max_duration))
      out.push({ path: ['commit', 'max_duration'], message: 'must be a finite number of seconds' });
  }
  if (c.start && !isSeconds(c.start.idle_shutdown.timeout))
    out.push({ path: ['start', 'idle_shutdown', 'timeout'], message: 'must be a finite number of seconds' });
  const del = c.start?.idle_shutdown.delete_after;
  if (del != null && !isSeconds(del))
    out.push({
      path: ['start', 'idle_shutdown', 'delete_after'],
      message: 'must be a finite number of seconds',
    });
  const t = c.dashboard.tunnel;
  if (t) {
    const dup = t.remote_ports.find((p, i) => t.remote_ports.indexOf(p) !== i);
    if (dup !== undefined)
      out.push({ path: ['dashboard', 'tunnel', 'remote_ports'], message: `lists port ${dup} twice` });
  }
  return out;
}

/** A duration a timer can hold: finite, whole and not beyond what a JavaScript integer keeps exact. */
const isSeconds = (s: number): boolean => Number.isSafeInteger(s) && s >= 0;
