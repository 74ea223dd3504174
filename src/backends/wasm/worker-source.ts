// The source of a kernel worker, as a string: Node starts it with `new Worker(src, { eval: true })`
// and browsers from a Blob URL, so no worker file has to be located, served or bundled.
//
// The worker instantiates the kernel module (posted as a compiled WebAssembly.Module) against the
// shared memory, reports ready, then loops on the control block (src/backends/wasm/threads.ts):
// wait for SEQ to change, claim parts of the posted call until none is left, count each finished
// part in DONE and notify when it was the last. It spins on SEQ for a short while before sleeping
// in Atomics.wait, because a futex wake costs tens of microseconds and kernel calls of a training
// step come back to back. A worker that wakes late finds every part claimed and goes back to
// waiting: the caller never waits for a thread that is not running a part.
//
// Control block (Int32 slots; the layout is shared with threads.ts):
//   0 SEQ, 1 DONE (parts finished), 2 FN, 3 NARGS, 4 NPARTS (≤ 255), 5 ERROR (thread index + 1),
//   6 STOP, 7 SPIN (microseconds), 8 CLAIM (job tag << 8 | next part); Float64 arguments from
//   byte 64; an error message (UTF-16) from byte 512.

export const WORKER_SOURCE = String.raw`'use strict';
const inNode = typeof process === 'object' && typeof require === 'function';
const port = inNode ? require('node:worker_threads').parentPort : self;
function onFirstMessage(fn) {
  if (inNode) port.once('message', fn);
  else self.onmessage = (e) => { self.onmessage = null; fn(e.data); };
}
onFirstMessage((init) => {
  let fns, i32, f64, u16;
  const { module, memory, ctrl, names, index } = init;
  try {
    const env = {
      memory,
      abort() { throw new Error('argon wasm abort (in a worker)'); },
      seed: () => Date.now(),
    };
    const instance = new WebAssembly.Instance(module, { env });
    fns = names.map((n) => instance.exports[n]);
    i32 = new Int32Array(memory.buffer, ctrl, 16);
    f64 = new Float64Array(memory.buffer, ctrl + 64, 48);
    u16 = new Uint16Array(memory.buffer, ctrl + 512, 512);
  } catch (e) {
    port.postMessage({ error: String((e && e.stack) || e) });
    return;
  }
  let seen = Atomics.load(i32, 0);
  port.postMessage({ ready: true });
  for (;;) {
    let s = Atomics.load(i32, 0);
    if (s === seen) {
      const end = performance.now() + Atomics.load(i32, 7) / 1000;
      let k = 0;
      while ((s = Atomics.load(i32, 0)) === seen && ((++k & 255) !== 0 || performance.now() < end));
      while ((s = Atomics.load(i32, 0)) === seen) Atomics.wait(i32, 0, seen);
    }
    seen = s;
    if (Atomics.load(i32, 6) !== 0) return;
    let args = null, fn = null, argsTag = -1;
    for (;;) {
      // Claim a part: CLAIM = job tag << 8 | next part. The compare-exchange fails if another
      // thread took the part or a new job began, and the job cannot end (nor its arguments change)
      // before the part is done; a part of a later job (tag changed) reloads the arguments.
      const w = Atomics.load(i32, 8), nparts = Atomics.load(i32, 4), part = w & 255;
      if (part >= nparts) break;
      if (Atomics.compareExchange(i32, 8, w, w + 1) !== w) continue;
      try {
        if (args === null || (w >>> 8) !== argsTag) {
          argsTag = w >>> 8;
          const nargs = i32[3];
          fn = fns[i32[2]];
          args = new Array(nargs + 3);
          for (let i = 0; i < nargs; i++) args[i] = f64[i];
          args[nargs + 1] = nparts;
          args[nargs + 2] = index;
        }
        args[args.length - 3] = part;
        fn.apply(null, args);
      } catch (e) {
        if (Atomics.compareExchange(i32, 5, 0, index + 1) === 0) {
          const msg = String((e && e.message) || e).slice(0, 500);
          for (let i = 0; i < msg.length; i++) u16[i] = msg.charCodeAt(i);
          u16[msg.length] = 0;
        }
      }
      if (Atomics.add(i32, 1, 1) + 1 === nparts) Atomics.notify(i32, 1);
    }
  }
});
`;
