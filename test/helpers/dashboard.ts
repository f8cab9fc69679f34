// A dashboard for tests: the real server over a config and a home, on a free 127.0.0.1 port, serving
// the built assets; `opts` adds or replaces start options (overrides, reconcileMs, notify…).
import { appContext } from '../../src/app/context.js';
import { assetsDir } from '../../src/app/dashboard/serve.js';
import type { Config } from '../../src/config/types.js';
import { type StartOptions, startDashboard } from '../../src/dashboard/server/start.js';

export type StartedDashboard = Awaited<ReturnType<typeof startDashboard>>;

export function startTestDashboard(
  cfg: Config,
  home: string,
  opts: Partial<Omit<StartOptions, 'host' | 'port'>> = {},
): Promise<StartedDashboard> {
  return startDashboard(appContext(cfg, { home }), {
    host: '127.0.0.1',
    port: 0,
    assetsDir: assetsDir(),
    ...opts,
  });
}
