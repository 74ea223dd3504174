// How the `argon` process ends when its output or its user goes away (issue 15 §6):
// - EPIPE (`argon … | head`): the reader is gone, so nothing more can be said; the command stops at
//   once and quietly (exit 0), after the same clean-up as an interrupt. Without this, Node prints
//   "Error: write EPIPE" with a stack trace.
// - SIGINT/SIGTERM while something registered an interrupt handler (a training run): the handlers
//   finish what must not be left half-done (a checkpoint being renamed into place), remove
//   temporary files and the lock, and say where the last complete checkpoint is; exit 130 (143).
//   A second signal exits at once. Other commands keep Node's default (they stop at once, writing
//   nothing), so Ctrl-C is never delayed by a busy loop that does not yield.
// Installed by bin/argon.mjs (installProcessGuards); `main()` called in-process installs nothing.

export type InterruptHandler = () => Promise<string | null>;

const handlers = new Set<InterruptHandler>();
let installed = false;
let stopping = false;

const onSignal = (signal: NodeJS.Signals): void => {
  void stop(signal === 'SIGTERM' ? 143 : 130, true);
};

function listen(on: boolean): void {
  for (const s of ['SIGINT', 'SIGTERM'] as const) {
    if (on) process.on(s, onSignal);
    else process.off(s, onSignal);
  }
}

/** Runs every handler (in registration order), prints their messages when `say`, and exits. */
async function stop(code: number, say: boolean): Promise<void> {
  if (stopping) process.exit(code);
  stopping = true;
  const lines: string[] = [];
  for (const h of [...handlers]) {
    try {
      const m = await h();
      if (m) lines.push(m);
    } catch (e) {
      lines.push(`clean-up failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (say) {
    try {
      process.stderr.write(`\nargon: interrupted${lines.length ? `; ${lines.join('; ')}` : ''}\n`);
    } catch {
      // stderr is gone too
    }
  }
  process.exit(code);
}

/** Registers a handler for the rest of a command; returns its remover. */
export function onInterrupt(handler: InterruptHandler): () => void {
  handlers.add(handler);
  if (installed && handlers.size === 1) listen(true);
  return () => {
    handlers.delete(handler);
    if (installed && handlers.size === 0) listen(false);
  };
}

export function installProcessGuards(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') void stop(0, false);
      else throw e;
    });
  }
  if (handlers.size > 0) listen(true);
}
