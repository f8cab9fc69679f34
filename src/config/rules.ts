// Rules the schema cannot say: checks of the file as written (checkFileRules), cross-key
// constraints on the normalised config (checkRules), and what is accepted, as the original
// accepted it, but worth a warning (configWarnings). Each finding names a key path so the loader
// can point at the line.
import { translatePyRegex } from './py-regex.js';
import { branchNameProblem } from './refname.js';
import { sameRepository } from './repo-url.js';
import type { Config, Repository } from './types.js';
import type { MymlopsConfigFile } from './types.gen.js';

export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

/** Whether the rules take `url` as ssh (then the gce backend needs a deploy key for it). */
export const isSshUrl = (url: string): boolean =>
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
        message: 'is required on the gce backend (zone_regex, machine_type, snapshot or image)',
      });
    if (s.instance && (s.instance.snapshot === null) === (s.instance.image === null))
      out.push({
        path: [section, 'instance', s.instance.snapshot === null ? 'snapshot' : 'image'],
        message:
          s.instance.snapshot === null
            ? 'or instance.image is required: the disk snapshot or the image the VM boots from'
            : 'and instance.snapshot are both set: keep one (the VM boots from a snapshot or an image)',
      });
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
    const store = c.commit.artifact_store;
    const gs = store?.url.startsWith('gs://') ?? false;
    if (store && !store.url.startsWith('file:///') && !gs)
      out.push({
        path: ['commit', 'artifact_store'],
        message: 'must be a folder path, a file:// URL (local backend) or gs://bucket/prefix (gce)',
      });
    else if (store && gs && !/^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/\S*)?$/.test(store.url))
      out.push({
        path: ['commit', 'artifact_store'],
        message: 'is not a bucket name Cloud Storage accepts (gs://bucket/prefix)',
      });
    else if (store && c.backend !== (gs ? 'gce' : 'local'))
      out.push({
        path: ['commit', 'artifact_store'],
        message: gs
          ? 'is a gs:// bucket, which this version writes from gce VMs only: use a folder on the local backend'
          : "is a folder, which only the local backend's jobs can write: use gs://bucket/prefix on gce",
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
  return out;
}

/** Checks of values as written, before normalisation (which relies on them). */
export function checkFileRules(f: MymlopsConfigFile): RuleIssue[] {
  const out: RuleIssue[] = [];
  for (const section of ['commit', 'start'] as const) {
    const zoneRegex = f[section]?.instance?.zone_regex;
    if (zoneRegex === undefined) continue;
    const t = translatePyRegex(zoneRegex);
    if (!t.ok)
      out.push({
        path: [section, 'instance', 'zone_regex'],
        message: `cannot be used: ${t.reason} — write a regular expression such as us-.*`,
      });
  }
  return out;
}

/** What the original accepted and mymlops accepts too, but that likely does not do what was meant. */
export function configWarnings(f: MymlopsConfigFile): RuleIssue[] {
  const out: RuleIssue[] = [];
  for (const [name, url] of Object.entries(f.dashboard?.links ?? {}))
    if (!/^(?:https?:\/\/|mailto:|\/(?!\/))/i.test(url))
      out.push({
        path: ['dashboard', 'links', name],
        message:
          'is not an http(s) URL or a /path: the dashboard shows it as text, not a link — write http://… to make it clickable',
      });
  const t = f.dashboard?.tunnel;
  if (t && t.local_port_min < 1024)
    out.push({
      path: ['dashboard', 'tunnel', 'local_port_min'],
      message:
        'is under 1024: only root may listen there, so tunnels will likely fail — use 1024 or more (e.g. 8100)',
    });
  const dup = t?.remote_ports.find((p, i) => t.remote_ports.indexOf(p) !== i);
  if (dup !== undefined)
    out.push({
      path: ['dashboard', 'tunnel', 'remote_ports'],
      message: `lists port ${dup} twice; one tunnel serves it — remove the repeat`,
    });
  return out;
}

/** A duration a timer can hold: finite, whole and not beyond what a JavaScript integer keeps exact. */
const isSeconds = (s: number): boolean => Number.isSafeInteger(s) && s >= 0;
