// Which image a machine boots from and what its first boot does: pure rules shared by the GCE
// adapter (the insert body) and the status line ("installing the GPU driver (first boot)").
import type { Instance } from '../config/types.js';

/** Google's Deep Learning VM images live in this project. */
export const DLVM_PROJECT = 'deeplearning-platform-release';

/**
 * An image as the API takes it: a full URL or a `projects/…` path as written; `family/NAME` and a
 * bare name are the project's own (`global/images/…`).
 */
export function imagePath(image: string): string {
  if (/^https:\/\//.test(image) || image.startsWith('projects/') || image.startsWith('global/')) return image;
  return `global/images/${image}`;
}

export interface ImageRef {
  /** The image's project, or null for the VM's own project. */
  project: string | null;
  /** The family, or null when the path names one image. */
  family: string | null;
  /** The image name when it names one image. */
  name: string | null;
}

/** The parts of an image path (imagePath's output or a full URL). */
export function parseImage(image: string): ImageRef {
  const path = imagePath(image).replace(/^https:\/\/[^/]+\/compute\/(?:v1|beta|alpha)\//, '');
  const project = /^projects\/([^/]+)\//.exec(path)?.[1] ?? null;
  const family = /\/images\/family\/([^/]+)$/.exec(path)?.[1] ?? null;
  const name = family ? null : (/\/images\/([^/]+)$/.exec(path)?.[1] ?? null);
  return { project, family, name };
}

export const isDeepLearningImage = (image: string): boolean => parseImage(image).project === DLVM_PROJECT;

/**
 * Accelerator-optimized families (A2, A3, A4, G2, G4…) carry their GPUs in the machine type; g1 is a
 * shared-core type without one.
 */
const GPUS_IN_TYPE = /^(a[2-9]x?|g[2-9])-/;

/** Whether the VM has GPUs: attached (`accelerator`) or part of its machine type. */
export function hasGpus(inst: { machine_type: string; accelerator: string | null }): boolean {
  return Boolean(inst.accelerator) || GPUS_IN_TYPE.test(inst.machine_type);
}

/**
 * Whether the first boot installs the GPU driver: a Deep Learning VM image booted with GPUs (asked
 * through metadata). A snapshot baked from one already has the driver.
 */
export function installsDriver(inst: Pick<Instance, 'image' | 'machine_type' | 'accelerator'>): boolean {
  return hasGpus(inst) && inst.image !== null && isDeepLearningImage(inst.image);
}
