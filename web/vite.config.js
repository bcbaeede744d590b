import { defineConfig } from 'vite';

// Relative asset paths: the server embeds dist/ and serves it at "/", but a relative base also
// lets the viewer sit under a sub-path behind a reverse proxy.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8099',
      '/tiles': 'http://127.0.0.1:8099',
      '/health': 'http://127.0.0.1:8099',
      '/diagnostic': 'http://127.0.0.1:8099',
    },
  },
});
