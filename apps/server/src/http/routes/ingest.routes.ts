import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { BatchBody, ErrorDto, IngestResultDto, MESSAGE_SCHEMAS, MESSAGE_TYPES, type IngestResultDto as Result, type MessageType } from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { send } from "../plugins/errors.plugin";
import { decompressBody } from "../plugins/decompress";
import { requireWorkspace } from "../route-config";

export interface IngestRoutesOptions {
  services: CoreServices;
  bodyLimitBytes: number;
  /** Told after each accepted batch, so the projector starts at once instead of at its next poll. */
  onIngested: () => void;
}

const tags = ["Tracking (Segment-compatible)"];

/**
 * The Segment HTTP tracking API. Authenticated with an ingest key, sent as Segment's
 * SDKs send their write key: Basic auth with the key as user name (or Bearer).
 */
export const ingestRoutes: FastifyPluginAsyncZod<IngestRoutesOptions> = async (app, { services, bodyLimitBytes, onIngested }) => {
  // analytics.js and the mobile SDKs send JSON labelled text/plain (no CORS preflight);
  // RudderStack's Node SDK labels its gzipped JSON as a form. All of it is JSON.
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser(["text/plain", "application/x-www-form-urlencoded"], { parseAs: "string" }, app.getDefaultJsonParser("error", "ignore"));
  // Browsers send from the brand's own pages: tracking answers any origin (it takes a write-only key).
  app.addHook("onSend", async (_req, reply) => {
    reply.header("access-control-allow-origin", "*");
    reply.header("access-control-allow-headers", "authorization, content-type, content-encoding");
    reply.header("access-control-allow-methods", "POST, OPTIONS");
  });
  const common = {
    bodyLimit: bodyLimitBytes,
    preParsing: decompressBody,
    config: { auth: "ingest" as const, audited: false },
  };

  function answer(reply: FastifyReply, result: Result, total: number, prefix: (index: number) => string) {
    if (result.accepted + result.duplicates > 0) onIngested();
    // Every message refused (a message may have several bad fields, so the errors are not counted).
    if (total > 0 && result.accepted + result.duplicates === 0) {
      const details = result.errors.map((e) => ({ path: `${prefix(e.index)}${e.path}`.replace(/\.$/, ""), message: e.message }));
      return send(reply, 400, "ingest.invalid", `${details[0]?.path || "body"}: ${details[0]?.message}`, details);
    }
    return reply.code(200).send(result);
  }

  const preflight = (path: string) =>
    app.options(path, { schema: { hide: true, response: { 204: z.null() } }, config: { auth: "public" } }, async (_req, reply) =>
      reply.code(204).send(null),
    );

  // analytics.js posts to /t, /i, /p, /s, /g, /a: the same calls under their first letter.
  const singles = MESSAGE_TYPES.flatMap((type) => [`/v1/${type}`, `/v1/${type[0]}`].map((path) => ({ type, path })));
  for (const { type, path } of singles) {
    preflight(path);
    app.post(
      path,
      {
        ...common,
        schema: { body: z.looseObject({}), response: { 200: IngestResultDto, 400: ErrorDto }, tags, summary: `Segment ${type} call`, description: describe(type) },
      },
      async (req, reply) => {
        const result = await services.ingest(requireWorkspace(req).workspaceId, [req.body], { type: type as MessageType });
        return answer(reply, result, 1, () => "body.");
      },
    );
  }

  // /b is the batch path of analytics.js (batching mode) and the mobile SDKs.
  for (const path of ["/v1/batch", "/v1/import", "/v1/b"]) {
    preflight(path);
    app.post(
      path,
      {
        ...common,
        schema: {
          body: BatchBody,
          response: { 200: IngestResultDto, 400: ErrorDto },
          tags,
          summary: "Segment batch: up to 10,000 messages; valid ones are kept, bad ones are listed by index",
        },
      },
      async (req, reply) => {
        const body = req.body;
        const result = await services.ingest(requireWorkspace(req).workspaceId, body.batch, {
          batchContext: body.context,
          batchSentAt: body.sentAt,
        });
        return answer(reply, result, body.batch.length, (i) => `body.batch.${i}.`);
      },
    );
  }
};

function describe(type: MessageType): string {
  const fields = Object.keys(MESSAGE_SCHEMAS[type].shape).join(", ");
  return `Fields: ${fields}. Unknown SDK fields are kept. Answers 200 with counts once the event is durable; 400 naming the field when it is invalid.`;
}
