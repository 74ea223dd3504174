// Long loops (fit, evaluate) give the Node event loop a turn now and then, so signal handlers (the
// CLI's SIGINT clean-up, issue 15 §6), timers and I/O run during training instead of after it: a
// loop over ready batches is otherwise one unbroken chain of microtasks. At most one macrotask turn
// per YIELD_MS (a few microseconds each). Browsers are left alone (no setImmediate there; a
// setTimeout turn would cost milliseconds).
const YIELD_MS = 50;
let last = 0;

export async function yieldSometimes(): Promise<void> {
  const setImmediateFn = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (setImmediateFn === undefined) return;
  const now = Date.now();
  if (now - last < YIELD_MS) return;
  last = now;
  await new Promise<void>((resolve) => { setImmediateFn(resolve); });
}
