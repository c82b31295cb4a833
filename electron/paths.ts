/** Repository/app locations shared by the two entry points (web.ts, main.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Walks up from `from` to the directory holding Lifeboat's package.json. */
export function findRepoRoot(from: string): string {
  let dir = resolve(from);
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'lifeboat') return dir;
      } catch {
        // keep looking
      }
    }
    dir = dirname(dir);
  }
  return resolve(from);
}

export function packageVersion(root: string): string {
  try {
    return String(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

/** Web mode's data dir when neither --data-dir nor LIFEBOAT_DATA_DIR (config.ts) names one: the platform's per-user data location. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Lifeboat');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Lifeboat');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'lifeboat');
}
