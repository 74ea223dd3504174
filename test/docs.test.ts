// `npm run docs` builds the API reference (TypeDoc, tools/docs) from the public types: the pages of
// the main classes exist and carry their documentation. docs/api/ itself is git-ignored, so the
// reference is built here into a temporary folder. Skipped, with the reason, when the tools/docs
// workspace is not installed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './browser/harness.ts';

const installed = existsSync(join(REPO, 'tools/docs/node_modules/typedoc')) || existsSync(join(REPO, 'node_modules/typedoc'));

if (!installed) {
  test.skip('npm run docs: skipped, TypeDoc (the tools/docs workspace) is not installed; run npm ci', () => {});
} else {
  test('npm run docs writes the API reference of the public types', async () => {
    const out = mkdtempSync(join(tmpdir(), 'argon-docs-'));
    try {
      const t0 = performance.now();
      const { code, text } = await new Promise<{ code: number; text: string }>((ok) => {
        execFile('npm', ['run', 'docs', '--', '--out', out], { cwd: REPO, timeout: 300_000, maxBuffer: 16 << 20 }, (e, stdout, stderr) => {
          ok({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, text: stdout + stderr });
        });
      });
      assert.is(code, 0, text);
      console.log(`docs: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      // TypeDoc warns when a public signature uses a type src/index.ts does not export: the reference
      // would show its name without a page. Export the type to fix it.
      const warnings = text.split('\n').filter((l) => /\[warning\]/.test(l) && !/Found 0 errors/.test(l));
      assert.equal(warnings, [], 'TypeDoc warnings');
      const model = readFileSync(join(out, 'classes/Model.html'), 'utf8');
      for (const member of ['predict', 'predictClasses', 'fit', 'classNames']) assert.match(model, new RegExp(`id="${member.toLowerCase()}"|#${member}`, 'i'), `Model.${member}`);
      assert.match(model, /Keras-style/, 'doc comments are carried');
      for (const page of ['functions/setWasmSources.html', 'functions/earlyStop.html', 'classes/Adam.html', 'classes/ArrayIterator.html', 'index.html']) {
        assert.ok(existsSync(join(out, page)), page);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

test.run();
