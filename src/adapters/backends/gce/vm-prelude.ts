// The GCE startup and shutdown scripts as shipped: assets/gce/<name>.sh with assets/gce/prelude.sh inlined in
// place of the line that sources it (run as they are, the scripts source the prelude next to them).
import { readFileSync } from 'node:fs';
import { packagePath } from '../../../util/package-root.js';

const SOURCE_LINE = '. "$(dirname "${BASH_SOURCE[0]}")/prelude.sh" # @@PRELUDE@@\n';

/** The script `assets/gce/<name>.sh`, self-contained (the text sent as instance metadata). */
export function gceStartupScript(
  name: 'commit-startup' | 'commit-shutdown' | 'dev-startup' | 'dev-shutdown' | 'image-setup',
): string {
  const file = packagePath('assets', 'gce', `${name}.sh`);
  const script = readFileSync(file, 'utf8');
  if (!script.includes(SOURCE_LINE)) throw new Error(`${file} does not source prelude.sh`);
  const prelude = readFileSync(packagePath('assets', 'gce', 'prelude.sh'), 'utf8');
  return script.replace(SOURCE_LINE, () => (prelude.endsWith('\n') ? prelude : `${prelude}\n`));
}
