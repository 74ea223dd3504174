// Running pages in headless Chromium from Node: a static server with the headers a cross-origin
// isolated page needs (SharedArrayBuffer for wasm threads), esbuild bundles of test pages, and a
// playwright-core launch of Debian's chromium (shared/notes/platform.md §6).
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { browserOptions, root } from '../../scripts/build-bundles.mjs';

export const REPO = root;
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why Chromium cannot run here, or null. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (apt-get install chromium, or set CHROMIUM_PATH)`;
}

/** Headless, no sandbox (CI runs as root), no network chatter; SwiftShader provides WebGL2 on the CPU. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

export { serve, type StaticServer } from '../../examples/browser/server.ts';

/** Bundles a browser entry into `outdir` (ESM, es2022) with the wasm kernels copied beside it. */
export async function bundlePage(entry: string, outdir: string, opts: { minify?: boolean } = {}): Promise<void> {
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({ ...browserOptions({ minify: opts.minify ?? true }), entryPoints: [entry], outdir, splitting: true, logLevel: 'error' });
  const build = join(REPO, 'build');
  for (const f of readdirSync(build)) if (f.endsWith('.wasm')) copyFileSync(join(build, f), join(outdir, f));
}

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Console errors and uncaught exceptions of a page, for failure messages. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  return errors;
}
