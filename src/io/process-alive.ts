// Whether another process still runs: stale lock files and temporary files of killed writers are
// recognised by their pid (Node).

/** Whether a process with this id runs (signal 0 checks without sending; EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: unknown }).code === 'EPERM';
  }
}
