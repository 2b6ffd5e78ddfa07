import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const page = (file: string) => fileURLToPath(new URL(file, import.meta.url));

// Where `npm run dev -w @aitip/web` forwards API calls: a router started separately.
const routerUrl = process.env.AITIP_ROUTER_URL ?? 'http://127.0.0.1:4000';

// Two pages: the shell (client-side routed) and the GraphiQL playground. The router serves
// `/` and unknown paths from index.html, `/playground` from playground.html, `/assets/*` as files.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  // monaco-graphql's worker code-splits, which the default IIFE worker format cannot do.
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Monaco (used by GraphiQL 5) is a few MB by itself and only the playground page loads it.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: {
        index: page('./index.html'),
        playground: page('./playground.html'),
      },
      onwarn(warning, warn) {
        // GraphiQL ships React-compiler "use no memo" directives that Rollup drops harmlessly.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      output: {
        // Both pages share React; give that chunk a name that says so.
        manualChunks(id) {
          if (/[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/.test(id)) return 'react';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      '/graphql': { target: routerUrl, ws: true },
      '/readyz': routerUrl,
    },
  },
});
