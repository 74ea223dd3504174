// Bundle entry of the `argon` command (bin/argon.mjs imports the bundle, installs the process
// guards and calls main).
export { main } from './main.ts';
export { installProcessGuards } from './process-guard.ts';
