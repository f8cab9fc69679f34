// `mymlops publish ID`: publish a result the job kept because its push failed, once the cause
// (an unreachable output repository, a refused push) is fixed. Publishing twice gives one folder.
import type { Command } from 'commander';
import { ExitCode, UserError } from '../errors.js';
import { colorErr } from '../util/log.js';
import { globals } from '../app/options.js';
import { loadConfig } from '../config/load.js';
import type { ArtifactStoreSetting } from '../core/ports/job-json.js';

/** The artifact store configured now (--config, else the config the commit was launched with). */
function storeNow(launchedWith: string | undefined, c: Command): ArtifactStoreSetting | null {
  try {
    return loadConfig({ file: globals(c).config ?? launchedWith }).commit?.artifact_store ?? null;
  } catch {
    return null;
  }
}

export function register(program: Command): void {
  program
    .command('publish')
    .description(
      'publish a result kept unpublished (status `failed (not published: …)`) once the cause is fixed',
    )
    .argument('<id>', 'commit id (YYYYmmdd_HHMMSS) or machine name')
    .option('--json', 'print the outcome as JSON')
    .action(async (id: string, opts: { json?: boolean }, c: Command) => {
      const [{ jobTarget }, { publishKept }] = await Promise.all([
        import('../app/results/job-target.js'),
        import('../core/publish/publish.js'),
      ]);
      const { rec, backend } = jobTarget(id);
      const a = await publishKept(rec, backend, storeNow(rec.config_file, c));
      if (a.kind === 'running')
        throw new UserError(
          `commit ${rec.commit} is still running: it publishes its own result`,
          `follow it with \`mymlops logs ${rec.commit} -f\``,
        );
      if (opts.json) process.stdout.write(`${JSON.stringify({ commit: rec.commit, ...a })}\n`);
      else if (a.kind === 'nothing')
        process.stdout.write(`commit ${rec.commit} has no kept result to publish: ${a.reason}\n`);
      else if (a.kind === 'published')
        process.stdout.write(
          `published commit ${rec.commit}${a.status ? ` (${a.status})` : ''} to ${rec.output_repository.url}\n`,
        );
      else if (a.kind === 'booting')
        process.stdout.write(
          `started ${a.machine}${a.zone ? ` in ${a.zone}` : ''}: publishing at the VM's boot; follow with mymlops logs ${rec.commit} -f\n`,
        );
      if (a.kind === 'failed') {
        process.stderr.write(
          `${colorErr.red(`mymlops: commit ${rec.commit} is still not published: ${a.message}`)} — fix the cause and run \`mymlops publish ${rec.commit}\` again\n`,
        );
        throw new ExitCode(1);
      }
    });
}
