// Replacing a file whole (Node): the data goes to a temporary file beside it, then a rename puts it
// in place, so a crash mid-write never leaves a half-written file nor destroys the previous one.
// Trap: temporary names are `<file>.tmp-<pid>-<time>-<n>`, and others rely on that shape: run-folder.ts
// removes such files left in a run folder, and the image cache (tempWriterPid) removes those of
// writers that were killed mid-write.
import { nodeFs, nodePath } from '#platform';

let written = 0;

/** Writes `data` to `path` through a temporary file and a rename, creating the folder if needed;
 *  `feature` names the caller in the error a browser gets. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, feature = 'writeFileAtomic'): Promise<void> {
  const [fs, { dirname }] = await Promise.all([nodeFs(feature), nodePath(feature)]);
  await fs.mkdir(dirname(path), { recursive: true });
  // The time keeps names of a later process that reuses the pid apart from a dead writer's leftovers.
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}-${++written}`;
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** The pid of the process that wrote temporary file `name` (writeFileAtomic), or null for other names. */
export function tempWriterPid(name: string): number | null {
  const m = /\.tmp-(\d+)-\d+-\d+$/.exec(name);
  return m ? Number(m[1]) : null;
}
