// Where a VM's boot disk comes from: instance.snapshot or instance.image, as the paths the API
// takes in `initializeParams.sourceSnapshot` / `sourceImage` (a family path means its newest image,
// resolved by Compute Engine at insert time and by images.getFromFamily for a preview).
import type { Instance } from '../../../config/types.js';

/** Google's Deep Learning VM images live in this project. */
export const DLVM_PROJECT = 'deeplearning-platform-release';

/**
 * What a Deep Learning VM image reads at first boot to install the NVIDIA driver itself (its own
 * mechanism; the startup script runs after it).
 */
export const DLVM_DRIVER_KEY = 'install-nvidia-driver';

export function snapshotPath(snapshot: string): string {
  return snapshot.includes('/') ? snapshot : `global/snapshots/${snapshot}`;
}

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

/** The boot disk's source field of `initializeParams`. */
export function bootSource(inst: Pick<Instance, 'snapshot' | 'image'>): {
  sourceSnapshot?: string;
  sourceImage?: string;
} {
  if (inst.image) return { sourceImage: imagePath(inst.image) };
  return { sourceSnapshot: snapshotPath(inst.snapshot ?? '') };
}

/**
 * Whether the VM asks its image to install the GPU driver at first boot: a Deep Learning VM image
 * booted with GPUs. A snapshot baked from one already has the driver.
 */
export function installsDriver(inst: Pick<Instance, 'image'>, gpus: boolean): boolean {
  return gpus && inst.image !== null && isDeepLearningImage(inst.image);
}
