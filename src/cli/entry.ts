// Bundle entry of the `argon` command (bin/argon.mjs imports the bundle and calls main).
export { main } from './main.ts';
