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
 * main.tsx loads the app (start.tsx: React, Mantine, the store) with a dynamic import, so its code
 * would be requested only once main.tsx has run. A modulepreload link per file of that chunk's
 * static graph lets the browser fetch and compile them from the HTML on, beside the entry.
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
        // …and the stylesheets those files bring (the shell's own), so they do not wait for the script either.
        const css = files.flatMap((f) => {
          const c = bundle[f];
          return c?.type === 'chunk' ? [...(c.viteMetadata?.importedCss ?? [])] : [];
        });
        return [
          ...files.map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })),
          ...css.map((f) => ({ tag: 'link', attrs: { rel: 'stylesheet', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), relaxCspInDev(), preloadApp()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
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
              test: /renderer[\\/](main\.tsx|client\.ts|api\.ts|early\.ts|routes\.ts|screenLoaders\.ts|transport[\\/][^\\/]+\.ts)$|electron[\\/](api[\\/]errors|transport[\\/]protocol)\.ts$/,
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
