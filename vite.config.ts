import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The dev server injects an inline React-refresh preamble and talks HMR over a websocket, both of
 * which the strict CSP in renderer/index.html forbids. Strip the CSP meta while serving only; every
 * build (the thing Electron and web mode load) keeps it.
 */
function relaxCspInDev(): Plugin {
  return {
    name: 'lifeboat-relax-csp-in-dev',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/i, '');
    },
  };
}

/**
 * main.tsx loads the app (start.tsx: React, Mantine, the store) and the screen with dynamic
 * imports, so their code would be requested only once main.tsx has run. A modulepreload link per
 * file of the app chunk's static graph, and of what all screens share, lets the browser fetch and
 * compile them from the HTML on, beside the entry.
 */
function preloadApp(): Plugin {
  return {
    name: 'lifeboat-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return [];
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        const isStart = (id: string) => id.replace(/\\/g, '/').endsWith('renderer/start.tsx');
        const start = chunks.find((c) => c.moduleIds.some(isStart));
        const entry = chunks.find((c) => c.isEntry);
        if (!start) return [];
        const already = new Set([entry?.fileName, ...(entry?.imports ?? [])]);
        const files: string[] = [];
        const visit = (file: string) => {
          if (already.has(file) || files.includes(file)) return;
          files.push(file);
          const c = bundle[file];
          if (c?.type === 'chunk') c.imports.forEach(visit);
        };
        visit(start.fileName);
        // …and what every screen's chunk imports (the Mantine parts and components the screens
        // share): whichever screen the address opens needs it, so it need not wait until main.tsx
        // has run and asked for the screen.
        const isLoaders = (id: string) => id.replace(/\\/g, '/').endsWith('renderer/screenLoaders.ts');
        const screenImports = (chunks.find((c) => c.moduleIds.some(isLoaders))?.dynamicImports ?? [])
          .filter((f) => f !== start.fileName)
          .map((f) => chunks.find((c) => c.fileName === f)?.imports ?? []);
        if (screenImports.length) screenImports.reduce((a, b) => a.filter((f) => b.includes(f))).forEach(visit);
        return files.map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const }));
      },
    },
  };
}

/**
 * renderer/styles.ts links Mantine's styles per component rather than all of them. A component
 * used without its stylesheet (new code, or a Mantine update that moves a part into a file of its
 * own) would render unstyled with no error anywhere; the build fails instead, naming what is
 * missing. Mantine's class names are fixed hashes (m_ and 8 hex digits), so every one the bundled
 * code can set must appear in the emitted stylesheets.
 */
function checkMantineStyles(): Plugin {
  return {
    name: 'lifeboat-check-mantine-styles',
    apply: 'build',
    generateBundle: {
      order: 'post',
      handler(_opts, bundle) {
        const files = Object.values(bundle);
        const css = files.flatMap((f) => (f.type === 'asset' && f.fileName.endsWith('.css') ? [String(f.source)] : [])).join('\n');
        const defined = new Set(css.match(/m_[0-9a-f]{8}/g));
        const missing = new Map<string, string>();
        for (const f of files)
          if (f.type === 'chunk') for (const c of f.code.match(/\bm_[0-9a-f]{8}\b/g) ?? []) if (!defined.has(c)) missing.set(c, f.fileName);
        if (missing.size)
          this.error(
            `Mantine classes with no stylesheet: ${[...missing].map(([c, f]) => `${c} (set in ${f})`).join(', ')}. ` +
              "Import the component's file from @mantine/core/styles/ in renderer/styles.ts (grep node_modules/@mantine/core/styles/ for the class).",
          );
      },
    },
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), relaxCspInDev(), preloadApp(), checkMantineStyles()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    // What a cold start fetches fits the browser's six connections to one HTTP/1.1 server, so
    // nothing waits for a free one: the entry, one stylesheet (every screen's styles and the
    // notifications' too: one 166 KB file parses faster than three requests queue), the app, the
    // shared chunk, the bundler's runtime, and web mode's preloaded list. Vite's modulepreload
    // polyfill is for browsers without modulepreload (Chromium and Electron have it); without it,
    // the entry is main.tsx's own chunk instead of a file that only imports it.
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      treeshake: {
        // The renderer never validates with zod (only the main process does), but
        // electron/api/errors.ts builds its ApiErrorData schema at module level next to the
        // LifeboatError class the renderer uses. Schema construction has no side effects, so the
        // unused schema and with it all of zod (~80 KB) stay out of the window's startup script.
        manualPureFunctions: ['z'],
      },
      output: {
        codeSplitting: {
          groups: [
            // The page's entry (main.tsx and the API client it starts the data with) stays one small
            // file with no static imports, so it runs as soon as it arrives.
            {
              name: 'boot',
              test: /renderer[\\/](main\.tsx|styles\.ts|client\.ts|api\.ts|early\.ts|routes\.ts|screenLoaders\.ts|transport[\\/][^\\/]+\.ts)$|electron[\\/](api[\\/]errors|transport[\\/]protocol)\.ts$/,
              priority: 30,
            },
            // The app (start.tsx, the shell, the store) with everything it imports: one file.
            { name: 'app', test: /renderer[\\/](start|App)\.tsx$/, priority: 20 },
            // What two or more screens share (Mantine parts, renderer/components) in one file, so a
            // screen opened first needs its own chunk and this one, not a dozen small ones.
            { name: 'shared', test: /node_modules|renderer[\\/](components|screens)[\\/]/, minShareCount: 2, priority: 10 },
          ],
        },
      },
    },
  },
});
