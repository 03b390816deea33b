import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fp from "fastify-plugin";
import fastifyStatic from "@fastify/static";
import { send } from "./errors.plugin";

/**
 * Serves the built console (apps/console/dist) and answers every other GET that
 * is not an API path with its index.html, so client-side routes survive a reload.
 */
export const consolePlugin = fp<{ distDir: string }>(async (app, { distDir }) => {
  const indexFile = join(distDir, "index.html");
  const built = existsSync(indexFile);
  if (built) {
    await app.register(fastifyStatic, { root: distDir, wildcard: false, index: false, maxAge: "1h", immutable: false });
  }
  const indexHtml = built ? readFileSync(indexFile, "utf8") : null;

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split("?")[0] ?? "/";
    const isApi = /^\/(api|v1|docs|openapi\.json|metrics|healthz|readyz)(\/|$)/.test(path);
    if (req.method === "GET" && !isApi && (req.headers.accept ?? "").includes("text/html")) {
      if (indexHtml) return reply.type("text/html").header("cache-control", "no-cache").send(indexHtml);
      return reply
        .code(503)
        .type("text/plain")
        .send("The console is not built yet: run `npm run build:console` (npm start does it for you).");
    }
    return send(reply, 404, "request.not_found", `No route ${req.method} ${path}.`);
  });
});
