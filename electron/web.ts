/**
 * `npm run web`: Lifeboat without Electron. Serves the built renderer and the API on 127.0.0.1 and
 * prints (and opens) a launch link: `/?code=…`, a code that works once, within two minutes, which the
 * page trades for its session cookie (transport/web.ts). The session secret is never in a URL or an
 * argv — the browser keeps the argv it was started with for its whole life. A refused sign-in (a used
 * or expired link) prints a new link.
 *
 *   npm run web -- [--port N] [--kubeconfig FILE] [--context NAME] [--no-open] [--data-dir DIR]
 *   env: LIFEBOAT_DATA_DIR, LIFEBOAT_TOOLS_DIR, LIFEBOAT_PORT
 */
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createApp } from './app.js';
import { BUILD_VERSION } from './buildInfo.js';
import { loadConfig, parseConfig, type Config } from './config.js';
import { defaultDataDir, findRepoRoot, packageVersion } from './paths.js';
import { LAUNCH_CODE_TTL_MS } from './transport/protocol.js';
import { startWebServer, type WebServer } from './transport/web.js';

export interface WebArgs {
  port: number;
  kubeconfig?: string;
  context?: string;
  open: boolean;
  dataDir: string;
}

export function parseWebArgs(argv: string[], env: NodeJS.ProcessEnv = process.env, config: Config = parseConfig(env)): WebArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'no-open': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
    },
    allowPositionals: false,
    strict: true,
  });
  // A LIFEBOAT_PORT that does not parse is refused here, as --port is (not ignored as config.ts would).
  const portText = values.port ?? config.problems.find((p) => p.name === 'LIFEBOAT_PORT')?.value ?? String(config.port ?? 0);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, not "${portText}"`);
  return {
    port,
    kubeconfig: values.kubeconfig,
    context: values.context,
    open: !values['no-open'] && !config.noOpen,
    dataDir: values['data-dir'] ?? config.dataDir ?? defaultDataDir(env),
  };
}

/**
 * What to do when a sign-in is refused: print a new link, at most one per `gapMs` (a burst of
 * refusals — a reloaded stale tab, a stray script — is one line, not a flood).
 */
export function reprintOnRefusal(mint: () => string, log: (line: string) => void, opts: { gapMs?: number; now?: () => number } = {}): () => void {
  const gap = opts.gapMs ?? 10_000;
  const now = opts.now ?? Date.now;
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < gap) return;
    last = t;
    log(`A sign-in was refused (a used or expired link). New link: ${mint()}`);
  };
}

async function openBrowser(url: string): Promise<void> {
  // argv only, no shell; failures are harmless (the URL is printed anyway)
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['explorer.exe', [url]] : ['xdg-open', [url]];
  await execa(cmd, args, { reject: false, stdio: 'ignore', detached: true }).catch(() => {});
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  // The configuration, parsed once (config.ts); web mode is never a packaged build.
  const start = loadConfig(process.env, { packaged: false, allowed: false });
  let args: WebArgs;
  try {
    args = parseWebArgs(argv, process.env, start.config);
  } catch (err) {
    console.error(`lifeboat web: ${(err as Error).message}`);
    process.exit(2);
  }
  for (const p of start.config.problems) console.warn(`lifeboat web: ${p.message}`);
  const root = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
  const app = createApp({
    dataDir: args.dataDir,
    mode: 'web',
    version: BUILD_VERSION ?? packageVersion(root),
    toolsDir: start.config.toolsDir,
    repoRoot: root,
    kubeconfig: args.kubeconfig,
    context: args.context,
    autoConnect: true,
    start,
  });
  let refused = () => {};
  const web: WebServer = await startWebServer({
    handlers: app.handlers,
    bus: app.bus,
    port: args.port,
    staticDir: join(root, 'dist', 'renderer'),
    onSignInRefused: () => refused(),
  });
  refused = reprintOnRefusal(
    () => web.launchUrl(),
    (line) => console.log(line),
  );
  console.log(`Lifeboat (web mode) is listening on ${web.url}`);
  console.log(`Open: ${web.openUrl}`);
  console.log(`(The link works once, within ${LAUNCH_CODE_TTL_MS / 60_000} minutes; the page then keeps its own session.)`);
  console.log(`Data: ${args.dataDir}`);
  void app.start().then(() => {
    const s = app.cluster.status();
    console.log(
      s.state === 'connected'
        ? `Cluster: ${s.context} (${s.server}, ${s.kubernetesVersion})`
        : `Cluster: ${s.state}${s.error ? ` — ${s.error.code}: ${s.error.message}` : ''}`,
    );
  });
  if (args.open) void openBrowser(web.openUrl);
  const stop = async () => {
    await web.close();
    await app.dispose();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] && (process.argv[1] === self || process.argv[1].replace(/\.ts$/, '') === self.replace(/\.ts$/, ''))) {
  void main();
}
