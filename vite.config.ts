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

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), relaxCspInDev()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
});
