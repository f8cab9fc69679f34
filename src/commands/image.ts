// `mymlops image create [--from IMAGE] [--name NAME] [--write] [--json]`: bake a disk snapshot for
// commits to boot from (src/app/image/create.ts).
import type { Command } from 'commander';
import { config } from '../app/options.js';

interface Opts {
  from?: string;
  name?: string;
  write?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const image = program.command('image').description('bake a disk snapshot for commits to boot from');
  image
    .command('create')
    .description(
      'boot one VM from an image (default: a Deep Learning VM family for GPUs), run image.setup in a clone of the repository, snapshot its disk, delete the VM',
    )
    .option('--from <image>', 'image or family/NAME to start from, in any project')
    .option('--name <name>', 'snapshot name (default: mymlops-image-<date>)')
    .option('--write', 'write the snapshot line into mymlops.yml')
    .option('--json', 'print the result as JSON')
    .action(async (opts: Opts, cmd: Command) => {
      const [{ appContext }, { createImage }, { UserError }, { colorErr }, { deleteVmCommand }] =
        await Promise.all([
          import('../app/context.js'),
          import('../app/image/create.js'),
          import('../errors.js'),
          import('../util/log.js'),
          import('../core/image/bake.js'),
        ]);
      const cfg = config(cmd);
      const ctx = appContext(cfg);
      const images = ctx.backend().capabilities.images;
      if (!images)
        throw new UserError(
          `mymlops image create needs the gce backend (this config uses ${cfg.backend})`,
          'set backend: gce in mymlops.yml',
        );
      const baker = await images.baker();
      // The first Ctrl-C stops the bake and deletes the VM; a second one leaves at once (the line
      // saying how to delete the VM is printed by the clean-up when it cannot finish).
      const abort = new AbortController();
      let vm: { project: string; zone: string; name: string } | null = null;
      const onSignal = () => {
        if (abort.signal.aborted) {
          if (vm)
            process.stderr.write(
              `${colorErr.red(`mymlops: the VM ${vm.name} may still exist: delete it with ${deleteVmCommand(vm.project, vm.zone, vm.name)}`)}\n`,
            );
          process.exit(130);
        }
        process.stderr.write(colorErr.yellow('\nmymlops: stopping: the VM is deleted before exiting\n'));
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const r = await createImage(
          cfg,
          {
            from: opts.from,
            name: opts.name,
            write: opts.write,
            tty: Boolean(process.stderr.isTTY) && !opts.json,
          },
          {
            baker,
            now: ctx.now,
            say: (l) => process.stderr.write(`${l}\n`),
            signal: abort.signal,
            onVm: (v) => {
              vm = v;
            },
          },
        );
        if (opts.json) process.stdout.write(`${JSON.stringify(r)}\n`);
        else
          process.stdout.write(
            r.written
              ? `snapshot ${r.snapshot} is ready; mymlops.yml now boots from it (${r.line})\n`
              : `snapshot ${r.snapshot} is ready; put this under commit.instance in mymlops.yml (instead of snapshot/image):\n    ${r.line}\n`,
          );
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
