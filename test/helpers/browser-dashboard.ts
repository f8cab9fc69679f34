// The browser tests' set-up: a temp folder, a dashboard over a config file with a home inside that
// folder, Debian's chromium, and one close() that undoes all of it (also after a failed set-up).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import type { StartOptions } from '../../src/dashboard/server/start.js';
import { launchChromium } from './chromium.js';
import { ensureBuilt } from './cli.js';
import { type StartedDashboard, startTestDashboard } from './dashboard.js';

export type { StartedDashboard };

/** What differs between the tests: the home (default `<dir>/home`) and the dashboard's start options. */
export interface BrowserDashboardOptions extends Partial<Omit<StartOptions, 'host' | 'port' | 'assetsDir'>> {
  home?: string;
}

export class BrowserDashboard {
  readonly dir: string;
  browser!: Browser;
  dash!: StartedDashboard;
  private readonly cleanups: (() => unknown)[] = [];

  /** Checks the build and makes the temp folder; nothing runs until start(). */
  constructor(prefix: string) {
    ensureBuilt();
    this.dir = mkdtempSync(join(tmpdir(), prefix));
  }

  get home(): string {
    return join(this.dir, 'home');
  }

  /** The config file read as the CLI reads it in this folder, with no environment. */
  config(file: string): Config {
    return loadConfig({ file, cwd: this.dir, env: {} });
  }

  /** Runs at close(), after the browser and the dashboard have stopped, before the folder goes. */
  onClose(fn: () => unknown): void {
    this.cleanups.push(fn);
  }

  async start(config: string | Config, opts: BrowserDashboardOptions = {}): Promise<this> {
    const { home = this.home, ...start } = opts;
    const cfg = typeof config === 'string' ? this.config(config) : config;
    this.dash = await startTestDashboard(cfg, home, start);
    this.browser = await launchChromium();
    return this;
  }

  /** A page at this width (900 high) on the dashboard, once `ready` shows; `urls` collects the
   * paths it requests. Closing `ctx` closes the page. */
  async openPage(ready: string, width = 1400): Promise<{ page: Page; ctx: BrowserContext; urls: string[] }> {
    const page = await this.browser.newPage({ viewport: { width, height: 900 } });
    const urls: string[] = [];
    page.on('request', (r) => urls.push(new URL(r.url()).pathname));
    await page.goto(this.dash.url);
    await page.waitForSelector(ready);
    return { page, ctx: page.context(), urls };
  }

  async close(): Promise<void> {
    await this.browser?.close();
    await this.dash?.close();
    for (const fn of this.cleanups) await fn();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A `backend: local` config in `dir` over a code repository and an output repository. */
export function writeLocalConfig(dir: string, codeUrl: string, outputUrl: string): string {
  const file = join(dir, 'mymlops.yml');
  writeFileSync(
    file,
    `backend: local\ncommit:\n  command: python run.py\n  repository:\n    url: ${codeUrl}\n  output_repository:\n    url: ${outputUrl}\n`,
  );
  return file;
}

/** The URL a spawned `mymlops dashboard` prints, or the reason it printed none. */
export function printedDashboardUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${text}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (c) => reject(new Error(`dashboard exited ${c}`)));
  });
}
