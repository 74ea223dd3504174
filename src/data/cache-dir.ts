// Where Argon keeps what it can rebuild (decoded-image caches): ARGON_CACHE_DIR when set, else the
// platform's user cache directory — $XDG_CACHE_HOME/argon or ~/.cache/argon (Linux and other
// Unixes; an XDG_CACHE_HOME that is not absolute is ignored, as the XDG Base Directory spec says),
// ~/Library/Caches/argon (macOS), %LOCALAPPDATA%\argon\Cache (Windows). Never beside the user's data.
import { nodeOs, nodePath } from './node-lazy.ts';

export interface Platform {
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
}

/** The cache directory for a platform description (pure, so every platform is testable anywhere). */
export function userCacheDir({ platform, env, home }: Platform): string {
  if (env.ARGON_CACHE_DIR) return env.ARGON_CACHE_DIR;
  if (platform === 'win32') {
    const base = env.LOCALAPPDATA || `${home}\\AppData\\Local`;
    return `${base}\\argon\\Cache`;
  }
  if (platform === 'darwin') return `${home}/Library/Caches/argon`;
  const xdg = env.XDG_CACHE_HOME;
  return xdg && xdg.startsWith('/') ? `${xdg}/argon` : `${home}/.cache/argon`;
}

/** This process's cache directory (Node), as an absolute path. */
export async function defaultCacheDir(): Promise<string> {
  const [os, path] = await Promise.all([nodeOs(), nodePath()]);
  return path.resolve(userCacheDir({ platform: process.platform, env: process.env, home: os.homedir() }));
}
