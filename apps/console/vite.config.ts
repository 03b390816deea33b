import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The server (apps/server) serves the built console and the API from one origin;
// in development Vite stands in for the static part and forwards the rest.
const SERVER_URL = "http://localhost:8080";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    // Ant Design alone is close to 1 MB minified; splitting it from the app keeps app
    // deploys cache-friendly, and the warning limit is raised to match that floor.
    chunkSizeWarningLimit: 1600,
    rollupOptions: {
      // zod ships comments Rollup cannot place; harmless, and not ours to fix.
      onwarn(warning, warn) {
        if (warning.code === "INVALID_ANNOTATION" && warning.id?.includes("node_modules")) return;
        warn(warning);
      },
      output: {
        manualChunks(id) {
          if (!id.includes("node_modules")) return undefined;
          if (/node_modules\/(react|react-dom|scheduler|react-router)\//.test(id)) return "react";
          if (/node_modules\/(antd|@ant-design|rc-[^/]+|@rc-component)\//.test(id)) return "antd";
          return "vendor";
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": SERVER_URL,
      "/openapi.json": SERVER_URL,
      "/docs": SERVER_URL,
      "/healthz": SERVER_URL,
    },
  },
});
