/**
 * The admin console's build: a static single-page app in web/dist, served by `npm start` on an
 * origin of its own and, in the cloud, from S3 behind CloudFront. It learns the API's URL and how
 * to sign in at run time from /config.json, so one build serves every stage.
 */

import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // No inline scripts or styles, so the Content-Security-Policy can forbid them.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
  // The console imports its configuration contract from the service's shared module.
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
