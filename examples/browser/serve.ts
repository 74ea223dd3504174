// `npm run demo`: builds the demo and serves the repository on http://127.0.0.1:8080 (PORT to
// change it) with the headers that make the page cross-origin isolated.
import { root } from '../../scripts/build-bundles.mjs';
import { buildDemo } from './build.ts';
import { serve } from './server.ts';

await buildDemo();
const server = await serve(root, Number(process.env.PORT ?? 8080));
console.log(`Argon demo: ${server.url}/examples/browser/  (Ctrl-C to stop)`);
