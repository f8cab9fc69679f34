// `mymlops init --gce`: the text of a Compute Engine mymlops.yml, from what the command gathered
// (project, origin without its credentials, the output repository the user named, flags). Pure:
// the command reads git and gcloud, checks nothing is overwritten, and writes the file.
import { isSshUrl } from '../config/rules.js';

export interface GceInitInput {
  project: string;
  /** The code repository (origin, credentials already split off). */
  repository: string;
  branch: string;
  output: string;
  zoneRegex: string;
  machineType: string;
  accelerator: string | null;
  snapshot: string;
  /** Deploy keys, for ssh URLs (the rules require one there). */
  deployKey: string;
  outputDeployKey: string;
  schemaFile: string;
}

export const GCE_DEFAULTS = {
  zoneRegex: 'us-(central1|east1|west1)-.*',
  machineType: 'n1-standard-8',
  accelerator: 'nvidia-tesla-t4',
  snapshot: 'mymlops-gpu',
  deployKey: '~/.ssh/mymlops_deploy_key',
  outputDeployKey: '~/.ssh/mymlops_output_deploy_key',
} as const;

const q = (s: string) => JSON.stringify(s);

function repoBlock(key: string, url: string, branch: string, deployKey: string, keyNote: string): string {
  const k = isSshUrl(url)
    ? `    deploy_key: ${q(deployKey)}   # ${keyNote}\n`
    : `    # deploy_key: ~/.ssh/key   # for ssh URLs (${keyNote})\n`;
  return `  ${key}:\n    url: ${q(url)}\n    branch: ${q(branch)}\n${k}`;
}

export function gceConfigText(i: GceInitInput): string {
  const acc = i.accelerator
    ? `    accelerator: ${q(i.accelerator)}\n    accelerator_count: 1\n`
    : '    # accelerator: nvidia-tesla-t4\n';
  return `# yaml-language-server: $schema=./${i.schemaFile}
# mymlops.yml — written by \`mymlops init --gce\`. Reference: the README's "Config" section.
# Check the project before the first commit: \`mymlops doctor\`.

backend: gce

gcp:
  project: ${q(i.project)}
  # service_account: default   # the VM's account; you need roles/iam.serviceAccountUser on it

commit:
  # The notebook runner, run in a fresh clone on the VM; the notebook path is appended.
  command: mymlops-run-notebook
  instance:
    # Zones tried, cheapest and least loaded first (a regular expression over zone names).
    zone_regex: ${q(i.zoneRegex)}
    machine_type: ${q(i.machineType)}
${acc}    # The boot disk: a snapshot of a disk with the GPU driver, Python, nbclient and a kernel.
    snapshot: ${q(i.snapshot)}
    spot: true
${repoBlock('repository', i.repository, i.branch, i.deployKey, 'read access is enough: the VM fetches with it')}${repoBlock('output_repository', i.output, 'master', i.outputDeployKey, 'needs write access: the VM pushes results with it')}  progress_interval: 60
`;
}
