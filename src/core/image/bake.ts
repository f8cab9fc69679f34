// `mymlops image create`, the pure parts: which image to start from, the snapshot's name, the
// status line's steps, the line for mymlops.yml (and that line written into the file's text), and
// what to tell the user about anything left behind.
import type { Instance } from '../../config/types.js';
import { DLVM_PROJECT, hasGpus } from '../boot-image.js';

/**
 * The image to bake from when --from is not given: a Deep Learning VM family (PyTorch, CUDA and
 * the NVIDIA driver installed at first boot) for a machine with GPUs, else Debian.
 */
export function defaultSourceImage(inst: Pick<Instance, 'machine_type' | 'accelerator'>): string {
  return hasGpus(inst)
    ? `projects/${DLVM_PROJECT}/global/images/family/pytorch-latest-gpu`
    : 'projects/debian-cloud/global/images/family/debian-12';
}

/** `mymlops-image-YYYYMMDD-HHMMSS` (UTC): a valid snapshot and VM name. */
export function defaultSnapshotName(now: Date): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `mymlops-image-${t}`;
}

const NAME_RE = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Why `name` cannot be a snapshot name, or null. */
export function snapshotNameProblem(name: string): string | null {
  return NAME_RE.test(name)
    ? null
    : 'a snapshot name is 1-63 lower-case letters, digits and hyphens, starting with a letter';
}

/** The VM the snapshot is baked on (named after the snapshot: one per bake). */
export const bakerName = (snapshot: string): string => `${snapshot.slice(0, 57)}-vm`.replace(/--+/g, '-');

export type BakeStep = 'creating' | 'booting' | 'driver' | 'setup' | 'stopping' | 'snapshotting' | 'deleting';

export const BAKE_STEPS: Record<BakeStep, string> = {
  creating: 'creating the VM',
  booting: 'booting',
  driver: 'installing the GPU driver (first boot)',
  setup: 'running image.setup',
  stopping: 'stopping the VM',
  snapshotting: 'taking the disk snapshot',
  deleting: 'deleting the VM',
};

/** The line that makes commits boot from the snapshot. */
export const configLine = (snapshot: string): string => `snapshot: ${snapshot}`;

/**
 * mymlops.yml's text with every block-style `snapshot:` / `image:` line of an instance replaced by
 * the new snapshot; null when there is none to replace (flow style, or no instance).
 */
export function withSnapshot(text: string, snapshot: string): string | null {
  let found = false;
  const out = text.replace(
    /^(\s+)(snapshot|image):[^\n#]*?(\s*#[^\n]*)?$/gm,
    (line, indent: string, _k, comment) => {
      // commit.snapshot (the working-tree settings) is a mapping, not a boot source.
      if (/:\s*$/.test(line.replace(/\s*#.*$/, ''))) return line;
      found = true;
      return `${indent}${configLine(snapshot)}${comment ?? ''}`;
    },
  );
  return found ? out : null;
}

/** What to run to delete a VM left behind. */
export const deleteVmCommand = (project: string, zone: string, name: string): string =>
  `gcloud compute instances delete ${name} --zone ${zone} --project ${project} --quiet`;
