import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Registry } from "prom-client";
import { z } from "zod";

export interface SystemRoutesOptions {
  registry: Registry;
  checks: Record<string, () => Promise<boolean>>;
}

const tags = ["System"];

export const systemRoutes: FastifyPluginAsyncZod<SystemRoutesOptions> = async (app, { registry, checks }) => {
  app.get(
    "/healthz",
    { schema: { response: { 200: z.object({ status: z.literal("ok") }) }, tags, summary: "The process is up" }, config: { auth: "public", rateLimit: false } },
    async () => ({ status: "ok" as const }),
  );

  const Readiness = z.object({ status: z.enum(["ready", "unavailable"]), checks: z.record(z.string(), z.boolean()) });
  app.get(
    "/readyz",
    {
      schema: { response: { 200: Readiness, 503: Readiness }, tags, summary: "The stores answer: ready for traffic" },
      config: { auth: "public", rateLimit: false },
    },
    async (_req, reply) => {
      const results: Record<string, boolean> = {};
      for (const [name, check] of Object.entries(checks)) {
        results[name] = await check().catch(() => false);
      }
      const ready = Object.values(results).every(Boolean);
      return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "unavailable", checks: results });
    },
  );

  app.get(
    "/metrics",
    { schema: { hide: true }, config: { auth: "public", rateLimit: false } },
    async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
};
