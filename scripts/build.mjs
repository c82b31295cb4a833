#!/usr/bin/env node
/**
 * Builds Lifeboat into dist/:
 * - dist/electron/main.js     the main process (ESM, platform node, electron external)
 * - dist/electron/preload.cjs the preload (CommonJS: sandboxed preloads cannot be ES modules)
 * - dist/renderer/            the renderer via `vite build` (vite.config.ts at the repo root),
 *                             when renderer/index.html exists
 *
 *   node scripts/build.mjs [--no-renderer] [--dev]   (--dev: no minify, inline source maps)
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const dev = argv.includes('--dev');
const out = join(root, 'dist', 'electron');
// The app's version, compiled in (electron/buildInfo.ts BUILD_VERSION): a packaged app has no npm
// environment to read it from.
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

rmSync(out, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['electron', 'bufferutil', 'utf-8-validate'],
  sourcemap: dev ? 'inline' : 'linked',
  minify: !dev,
  legalComments: 'linked',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production'), __LIFEBOAT_VERSION__: JSON.stringify(version) },
};

await build({
  ...common,
  entryPoints: { main: join(root, 'electron', 'main.ts') },
  outdir: out,
  format: 'esm',
  outExtension: { '.js': '.js' },
  // bundled CommonJS dependencies call require() for node builtins; give the ESM bundle one
  banner: { js: "import { createRequire as __lifeboatCreateRequire } from 'node:module'; const require = __lifeboatCreateRequire(import.meta.url);" },
});

await build({
  ...common,
  entryPoints: { preload: join(root, 'electron', 'preload.ts') },
  outdir: out,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
});
console.log('build: dist/electron/main.js, dist/electron/preload.cjs');

if (argv.includes('--no-renderer')) {
  console.log('build: renderer skipped (--no-renderer)');
} else if (!existsSync(join(root, 'renderer', 'index.html'))) {
  console.log('build: renderer skipped (renderer/index.html does not exist yet)');
} else {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('build: vite build failed');
    process.exit(r.status ?? 1);
  }
  console.log('build: dist/renderer');
}
