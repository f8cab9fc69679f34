import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT, ExitCode, UserError } from '../errors.js';
import type { GceInitOptions } from '../app/init/gce.js';

/** `--dir` must name an existing folder: init writes into it and never creates it. */
function checkDir(dir: string): void {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st)
    throw new UserError(
      `--dir ${dir} does not exist`,
      `create it first (mkdir -p ${dir}) or pass an existing folder`,
    );
  if (!st.isDirectory())
    throw new UserError(`--dir ${dir} is not a folder`, 'pass the folder to write mymlops.yml in');
}

interface InitOptions extends GceInitOptions {
  gce?: boolean;
}

/** `init --gce`: a Compute Engine config, then doctor on it (its exit code when not ready). */
async function initGceAndCheck(opts: InitOptions): Promise<void> {
  const [{ initGce }, { reportDoctor }, { loadConfigFile }] = await Promise.all([
    import('../app/init/gce.js'),
    import('../app/doctor/doctor.js'),
    import('../config/load.js'),
  ]);
  const r = await initGce(opts);
  for (const n of r.notes) process.stderr.write(`mymlops: ${n}\n`);
  process.stdout.write(`wrote ${r.file}\nchecking it (mymlops doctor):\n`);
  if (!(await reportDoctor(loadConfigFile(r.file), false))) throw new ExitCode(EXIT.notReady);
}

export function register(program: Command): void {
  program
    .command('init')
    .description('write a commented starter mymlops.yml (local backend, or --gce) — never overwrites')
    .option('--dir <dir>', 'folder to write mymlops.yml in', '.')
    .option(
      '--gce',
      'a Compute Engine config (project from gcloud, origin as the code repository), then run doctor',
    )
    .option('--output <url>', 'with --gce: the output repository results are pushed to')
    .option('--zone-regex <regex>', 'with --gce: zones to try (default us-(central1|east1|west1)-.*)')
    .option('--machine-type <type>', 'with --gce: machine type (default n1-standard-8)')
    .option('--accelerator <type>', 'with --gce: GPU type, or none (default nvidia-tesla-t4)')
    .option('--snapshot <name>', 'with --gce: boot disk snapshot (default mymlops-gpu)')
    .option('--deploy-key <path>', 'with --gce and an ssh origin: the key the VM fetches with')
    .option('--output-deploy-key <path>', 'with --gce and an ssh output: the key the VM pushes with')
    .action(async (opts: InitOptions) => {
      checkDir(opts.dir);
      if (opts.gce) return initGceAndCheck(opts);
      const gceOnly = Object.keys(opts).filter((k) => k !== 'dir' && k !== 'gce');
      if (gceOnly.length > 0)
        throw new UserError(
          `--${gceOnly[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies to init --gce only`,
          'add --gce for a Compute Engine config, or leave it out',
        );
      const [{ initProject }, { git }] = await Promise.all([
        import('../app/init/init.js'),
        import('../adapters/git/git.js'),
      ]);
      const r = await initProject(opts.dir, git);
      if (r.note) process.stderr.write(`mymlops: ${r.note}\n`);
      process.stdout.write(`wrote ${r.file}\noutput repository: ${r.outputRepo}\nnext: mymlops validate\n`);
    });
}
