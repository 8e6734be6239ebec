import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const dashboardDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const hubUrl = process.env.ANYU_HUB_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: dashboardDir,
  base: '/',
  // Vite 8 transforms TSX with Oxc; the automatic runtime from preact matches the root
  // tsconfig (`jsx: react-jsx`, `jsxImportSource: preact`), so no framework plugin is needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No source maps in what the hub serves (hub/web/plugin.ts refuses *.map anyway).
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // The dashboard imports the wire schemas from ../protocol.
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': hubUrl,
      '/socket.io': { target: hubUrl, ws: true },
    },
  },
});
