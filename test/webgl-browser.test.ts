// The webgl backend in a real browser: builds the in-page suite (test/browser/suite.ts), runs it in
// headless Chromium on SwiftShader, and turns every in-page case into a test here, so the counts
// show in the summary. Skipped, with the reason, where Chromium is not installed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { bundlePage, chromiumMissing, collectErrors, launch, REPO, serve } from './browser/harness.ts';
import type { SuiteReport } from './browser/suite.ts';

const missing = chromiumMissing();
if (missing) {
  test.skip(`webgl backend in Chromium: skipped, ${missing}`, () => {});
} else {
  const t0 = Date.now();
  const out = join(REPO, 'build/test/suite');
  await bundlePage(join(REPO, 'test/browser/suite-page.ts'), out);
  const server = await serve(REPO);
  const browser = await launch();
  let report: SuiteReport | null = null;
  let failure = '';
  try {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/test/browser/suite.html`);
    await page.waitForFunction(() => 'argonSuite' in globalThis, null, { timeout: 180_000 });
    report = await page.evaluate((filter) => {
      const g = globalThis as unknown as { argonSuite: { runSuite(o: { filter?: string }): Promise<SuiteReport> } };
      return g.argonSuite.runSuite({ filter: filter || undefined });
    }, process.env.ARGON_SUITE_FILTER ?? '');
    if (errors.length) failure = errors.join('\n');
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  } finally {
    await browser.close();
    await server.close();
  }
  if (!report) {
    test('webgl suite ran in Chromium', () => { assert.unreachable(failure); });
  } else {
    const r = report;
    console.log(`webgl in Chromium: ${r.results.length} cases on ${r.renderer} in ${(r.ms / 1000).toFixed(1)} s ` +
      `(${r.compiled} kernels compiled, ${r.calls} calls; total with launch ${((Date.now() - t0) / 1000).toFixed(1)} s); auto → ${r.auto}`);
    test('the page ran on WebGL2; on a software renderer auto refuses it and gpu warns that the cpu backend is faster', () => {
      assert.ok(r.renderer.length > 0);
      if (r.software) {
        assert.ok(r.auto.includes('"cpu"'), `auto picked ${r.auto} on software renderer ${r.renderer}`);
        assert.match(r.warning ?? '', /software WebGL renderer/);
        assert.match(r.warning ?? '', /Choose backend 'cpu'/);
      } else {
        assert.is(r.warning, null);
      }
    });
    for (const c of r.results) {
      if (c.note) console.log(`  ${c.group} ${c.name}: ${c.note}`);
      test(`webgl ${c.group} ${c.name}`, () => { assert.ok(c.ok, c.error); });
    }
  }
}

test.run();
