import { createHash } from "node:crypto";
import Fastify, { type FastifyInstance, type RouteOptions } from "fastify";
import fastifyCookie from "@fastify/cookie";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Registry } from "prom-client";
import { nulPaths, NUL_MESSAGE, type CoreServices } from "@siyu/core";
import { httpErrors } from "./http.errors";
import { apiKeyFromHeader, authPlugin } from "./plugins/auth.plugin";
import { consolePlugin } from "./plugins/console.plugin";
import { errorsPlugin } from "./plugins/errors.plugin";
import { metricsPlugin } from "./plugins/metrics.plugin";
import { apiKeysRoutes } from "./routes/api-keys.routes";
import { auditRoutes } from "./routes/audit.routes";
import { authRoutes } from "./routes/auth.routes";
import { operatorsRoutes } from "./routes/operators.routes";
import { storesRoutes } from "./routes/stores.routes";
import { systemRoutes } from "./routes/system.routes";
import { workspacesRoutes } from "./routes/workspaces.routes";
import { customersRoutes } from "./routes/customers.routes";
import { ingestRoutes } from "./routes/ingest.routes";
import { ordersRoutes } from "./routes/orders.routes";
import { importsRoutes } from "./routes/imports.routes";
import { sensorsRoutes } from "./routes/sensors.routes";
import { clvRoutes } from "./routes/clv.routes";
import { tagsRoutes } from "./routes/tags.routes";
import { scoresRoutes } from "./routes/scores.routes";
import { segmentsRoutes } from "./routes/segments.routes";
import { exploreRoutes } from "./routes/explore.routes";
import { loyaltyRoutes } from "./routes/loyalty.routes";
import { attributionRoutes } from "./routes/attribution.routes";
import { alertsRoutes } from "./routes/alerts.routes";
import { broadcastsRoutes } from "./routes/broadcasts.routes";
import { journeyPlaybooksRoutes } from "./routes/journey-playbooks.routes";
import { journeysRoutes } from "./routes/journeys.routes";
import { loyaltyTasksRoutes } from "./routes/loyalty-tasks.routes";
import { loyaltyCatalogueRoutes } from "./routes/loyalty-catalogue.routes";
import { checkInsRoutes } from "./routes/check-ins.routes";
import { loyaltyValueRoutes } from "./routes/loyalty-value.routes";
import { memberTokensRoutes } from "./routes/member-tokens.routes";
import { MEMBER_PREFIX, memberPlugin } from "./routes/member/member.plugin";
import { dashboardRoutes } from "./routes/dashboard.routes";
import { messagingRoutes, smsReplyCallbackRoutes, unsubscribeRoutes } from "./routes/messaging.routes";

export interface HttpServerOptions {
  services: CoreServices;
  registry: Registry;
  readiness: Record<string, () => Promise<boolean>>;
  logLevel: string;
  bodyLimitBytes: number;
  trustProxy: boolean;
  rateLimitPerIpPerMinute: number;
  rateLimitPerKeyPerMinute: number;
  /** Requests per member token a minute on the member API (/member/v1/*); default 300. */
  rateLimitPerMemberPerMinute?: number;
  /** The URL people reach this server at; a function because the port is known only after listen. */
  publicUrl: () => string;
  consoleDistDir: string;
  version: string;
  /** Body limit of the tracking endpoints (/v1/*), which take SDK batches. */
  ingestBodyLimitBytes?: number;
  /** Called after events are accepted, so consumers start without waiting for their poll. */
  onIngested?: () => void;
}

export type App = FastifyInstance;

declare module "fastify" {
  interface FastifyInstance {
    routeTable: readonly RouteOptions[];
  }
}

export async function buildHttpServer(options: HttpServerOptions): Promise<App> {
  const app = Fastify({
    logger: options.logLevel === "silent" ? false : { level: options.logLevel, redact: ["req.headers.authorization", "req.headers.cookie"] },
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
    // Requests Node's HTTP parser rejects (bad characters in the URL, broken headers) still get the one error shape.
    clientErrorHandler: (error, socket) => {
      const body = JSON.stringify({ error: { code: "request.malformed", message: `Malformed HTTP request: ${error.message}` } });
      if (socket.writable) {
        socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      }
    },
  }).withTypeProvider<ZodTypeProvider>();

  // The route table, kept for the tests that walk every route (auth, isolation, fuzzing).
  const routeTable: RouteOptions[] = [];
  app.addHook("onRoute", (route) => {
    routeTable.push(route);
  });
  app.decorate("routeTable", routeTable);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // A string the store cannot hold (U+0000) is refused naming its field, before any route's work. The
  // ingestion routes check their messages one by one (normaliseMessage), so a batch keeps its valid
  // items; a body read as text (CSV, Sensors' data) is checked row by row, message by message, by its route.
  app.addHook("preValidation", async (req) => {
    const body = req.routeOptions.config.auth === "ingest" || typeof req.body !== "object" ? null : req.body;
    const parts = { params: req.params, query: req.query, body };
    const paths = Object.entries(parts).flatMap(([part, value]) => nulPaths(value).map((path) => (path ? `${part}.${path}` : part)));
    if (paths.length > 0) {
      throw httpErrors.error("request.invalid", `${paths[0]}: ${NUL_MESSAGE}`, paths.map((path) => ({ path, message: NUL_MESSAGE })));
    }
  });

  await app.register(errorsPlugin);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: true,
    timeWindow: "1 minute",
    // Keys are limited per key (a mini-program sends for many people from many addresses), the rest per address.
    keyGenerator: (req) => {
      const secret = apiKeyFromHeader(req.headers.authorization);
      return secret ? `key:${createHash("sha256").update(secret).digest("hex").slice(0, 24)}` : `ip:${req.ip}`;
    },
    max: (_req, key) => (key.startsWith("key:") ? options.rateLimitPerKeyPerMinute : options.rateLimitPerIpPerMinute),
    errorResponseBuilder: (_req, context) =>
      httpErrors.error("request.rate_limited", `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s.`, {
        limit: context.max,
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  });
  await app.register(metricsPlugin, { registry: options.registry });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Siyu API",
        version: options.version,
        description:
          "Siyu (私域) private-domain operations platform. Operators authenticate with the session cookie from " +
          "/api/v1/auth/login; servers send an admin API key as `Authorization: Bearer sk_admin_…`.",
      },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "siyu_session" },
          apiKey: { type: "http", scheme: "bearer" },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs", uiConfig: { docExpansion: "list", deepLinking: true } });
  await app.register(authPlugin, { services: options.services });

  const { services } = options;
  await app.register(systemRoutes, { registry: options.registry, checks: options.readiness });
  app.get("/openapi.json", { schema: { hide: true }, config: { auth: "public" } }, async () => app.swagger());
  await app.register(authRoutes, { services, secureCookies: options.publicUrl().startsWith("https://") });
  await app.register(workspacesRoutes, { services });
  await app.register(storesRoutes, { services });
  await app.register(operatorsRoutes, { services, publicUrl: options.publicUrl });
  await app.register(apiKeysRoutes, { services });
  await app.register(auditRoutes, { services });
  const onIngested = options.onIngested ?? (() => {});
  await app.register(customersRoutes, { services });
  await app.register(clvRoutes, { services });
  await app.register(tagsRoutes, { services });
  await app.register(scoresRoutes, { services });
  await app.register(segmentsRoutes, { services });
  await app.register(exploreRoutes, { services });
  await app.register(loyaltyRoutes, { services });
  await app.register(attributionRoutes, { services });
  await app.register(alertsRoutes, { services });
  await app.register(broadcastsRoutes, { services });
  await app.register(journeyPlaybooksRoutes);
  await app.register(journeysRoutes, { services });
  await app.register(loyaltyTasksRoutes, { services });
  await app.register(loyaltyCatalogueRoutes, { services });
  await app.register(checkInsRoutes, { services });
  await app.register(loyaltyValueRoutes, { services });
  await app.register(memberTokensRoutes, { services });
  await app.register(memberPlugin, { prefix: MEMBER_PREFIX, services, rateLimitPerMemberPerMinute: options.rateLimitPerMemberPerMinute ?? 300 });
  await app.register(dashboardRoutes, { services });
  await app.register(messagingRoutes, { services, publicUrl: options.publicUrl });
  await app.register(unsubscribeRoutes, { services });
  await app.register(smsReplyCallbackRoutes, { services });
  await app.register(importsRoutes, { services, onIngested });
  await app.register(ordersRoutes, { services, onIngested });
  await app.register(ingestRoutes, { services, bodyLimitBytes: options.ingestBodyLimitBytes ?? 4 * 1024 * 1024, onIngested });
  await app.register(sensorsRoutes, { services, bodyLimitBytes: options.ingestBodyLimitBytes ?? 4 * 1024 * 1024, onIngested });
  await app.register(consolePlugin, { distDir: options.consoleDistDir });
  return app as unknown as App;
}
