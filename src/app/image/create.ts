// `mymlops image create`: bake a snapshot from an image. One VM, whose every step shows on one
// status line; from the moment its insert is sent until it is deleted, a failure or Ctrl-C deletes
// it, and when that fails too the user is told exactly how to delete it.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Config } from '../../config/types.js';
import { installsDriver } from '../../core/boot-image.js';
import {
  BAKE_STEPS,
  type BakeStep,
  bakerName,
  configLine,
  defaultSnapshotName,
  defaultSourceImage,
  deleteVmCommand,
  snapshotNameProblem,
  withSnapshot,
} from '../../core/image/bake.js';
import type { Baker, BakeVm } from '../../core/ports/baker.js';
import { EXIT, UserError } from '../../errors.js';
import { colorErr } from '../../util/log.js';
import { formatDuration } from '../../core/commit/progress-line.js';
import { StatusLine } from '../commit/status-line.js';

export interface ImageCreateOptions {
  from?: string;
  name?: string;
  write?: boolean;
  tty: boolean;
}

export interface ImageCreated {
  snapshot: string;
  image: string;
  line: string;
  written: boolean;
}

/** Everything the bake touches outside this module, so tests can interrupt it at any step. */
export interface ImageCreateDeps {
  baker: Baker;
  now(): Date;
  /** Lines for the user (stderr). */
  say(line: string): void;
  /** Aborted by Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** The VM that may exist now (null once deleted), for a caller that must leave at once. */
  onVm?(vm: BakeVm | null): void;
}

export async function createImage(
  cfg: Config,
  o: ImageCreateOptions,
  deps: ImageCreateDeps,
): Promise<ImageCreated> {
  const instance = cfg.commit?.instance;
  if (cfg.backend !== 'gce' || !instance)
    throw new UserError(
      'mymlops image create needs the gce backend and commit.instance in mymlops.yml',
      'set backend: gce and commit.instance (zone_regex, machine_type, accelerator)',
    );
  const snapshot = o.name ?? defaultSnapshotName(deps.now());
  const bad = snapshotNameProblem(snapshot);
  if (bad) throw new UserError(`--name ${snapshot}: ${bad}`, 'pass another --name');
  const image = o.from ?? defaultSourceImage(instance);
  const driver = installsDriver({ ...instance, image });
  const started = Date.now();
  let step: BakeStep = 'creating';
  const line = o.tty
    ? new StatusLine(() => `${BAKE_STEPS[step]} · ${formatDuration((Date.now() - started) / 1000)}`).start()
    : null;
  const onStep = (s: BakeStep) => {
    step = s;
    if (line) line.refresh();
    else deps.say(`mymlops: ${BAKE_STEPS[s]}`);
  };
  const { baker, signal } = deps;
  let vm: BakeVm | null = null;
  let snapshotMade = false;
  const stopped = () => new UserError('interrupted', undefined, { exitCode: EXIT.interrupted });
  const interrupted = () => {
    if (signal.aborted) throw stopped();
  };
  try {
    deps.say(`mymlops: baking snapshot ${snapshot} from ${image}`);
    onStep('creating');
    const name = bakerName(snapshot);
    const made = await baker.create(
      {
        name,
        image,
        instance: { ...instance, image, snapshot: null },
        setup: cfg.image?.setup ?? null,
        repository: cfg.commit!.repository,
      },
      (v) => {
        vm = v;
        deps.onVm?.(v);
      },
    );
    vm = made;
    interrupted();
    const status = await baker.waitSetup(made, driver, onStep, signal);
    interrupted();
    if (status !== 0)
      throw new UserError(
        `image.setup failed (exit status ${status}) on ${made.name}`,
        `fix image.setup in mymlops.yml (its output: gcloud compute instances get-serial-port-output ${made.name} --zone ${made.zone})`,
      );
    onStep('stopping');
    await baker.stop(made);
    interrupted();
    onStep('snapshotting');
    await baker.snapshot(made, snapshot);
    snapshotMade = true;
    interrupted();
    onStep('deleting');
    await baker.deleteVm(made);
    vm = null;
    deps.onVm?.(null);
  } catch (e) {
    line?.stop();
    if (vm) await cleanUp(baker, vm, deps.say, deps.onVm);
    if (snapshotMade)
      deps.say(
        `mymlops: the snapshot ${snapshot} was made: use it (${configLine(snapshot)}) or delete it with gcloud compute snapshots delete ${snapshot}`,
      );
    // A step cut short by Ctrl-C fails in its own way; what the user did is what is reported.
    throw signal.aborted ? stopped() : e;
  }
  line?.stop();
  const text = configLine(snapshot);
  let written = false;
  if (o.write) {
    const updated = withSnapshot(readFileSync(cfg.file, 'utf8'), snapshot);
    if (updated === null)
      deps.say(
        `mymlops: no block-style instance.snapshot or instance.image line in ${cfg.file}: add ${text} yourself`,
      );
    else {
      writeFileSync(cfg.file, updated);
      written = true;
    }
  }
  return { snapshot, image, line: text, written };
}

/** Deletes the VM after a failure or Ctrl-C; if that fails, says how to delete it. */
async function cleanUp(
  baker: Baker,
  vm: BakeVm,
  say: (l: string) => void,
  onVm?: (vm: BakeVm | null) => void,
): Promise<void> {
  say(colorErr.yellow(`mymlops: deleting the VM ${vm.name} in ${vm.zone}`));
  try {
    await baker.deleteVm(vm);
    onVm?.(null);
    say(`mymlops: deleted ${vm.name}`);
  } catch (e) {
    say(
      colorErr.red(
        `mymlops: could not delete ${vm.name} (${e instanceof Error ? e.message : String(e)}): delete it with ${deleteVmCommand(vm.project, vm.zone, vm.name)}`,
      ),
    );
  }
}
