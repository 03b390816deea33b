import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { ErrorDto, IngestResultDto, type IngestItemError } from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { send } from "../plugins/errors.plugin";
import { decompressBody } from "../plugins/decompress";
import { requireWorkspace } from "../route-config";
import { decodeSensorsPayload, mapSensorsRecord, type SensorsFields } from "./sensors-mapping";

export interface SensorsRoutesOptions {
  services: CoreServices;
  bodyLimitBytes: number;
  /** Told after each accepted request, so the projector starts at once instead of at its next poll. */
  onIngested: () => void;
}

const tags = ["Tracking (Sensors-compatible)"];
const PATHS = ["/sa", "/sa.gif"];
const MAX_RECORDS = 10_000;
/** The 1×1 transparent GIF that image beacons expect. */
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

const Query = z.looseObject({
  project: z.string().max(200).optional().describe("Sensors project name; kept in context.sensors.project. The workspace is the key's."),
  token: z.string().max(200).optional().describe("The ingest key, for SDKs that cannot send an Authorization header."),
  data: z.string().optional().describe("One record: base64 of its JSON (image beacons send it in the query)."),
  data_list: z.string().optional().describe("Several records: base64 of a JSON array."),
  gzip: z.string().max(2).optional().describe("1 when data/data_list is gzip-compressed before base64."),
  ext: z.string().max(200).optional(),
  crc: z.string().max(40).optional(),
});

const description =
  "Takes what Sensors Analytics (神策) SDKs send: `data` (one record) or `data_list` (several), base64 of JSON, " +
  "optionally gzip-compressed first with `gzip=1`, as a form body, a text/plain body (sendBeacon) or in the query (image beacons). " +
  "Authenticate with an ingest key as `?token=` or an Authorization header. Records become Segment messages in the event log; " +
  "a resent record is stored once. POST answers 200 with counts and the bad records by index; GET answers a 1×1 GIF. " +
  "400 only when the request cannot be decoded at all.";

/**
 * The Sensors Analytics collection endpoint, so brands with sa-sdk-javascript (or the
 * mini-program, app and server SDKs) installed point `server_url` at Siyu unchanged.
 * Browsers post cross-origin, so every answer allows any origin: an ingest key is
 * write-only and public in the page anyway.
 */
export const sensorsRoutes: FastifyPluginAsyncZod<SensorsRoutesOptions> = async (app, { services, bodyLimitBytes, onIngested }) => {
  // Form bodies (ajax, batch), text/plain (sendBeacon) or none (image GET): every body is read as text and decoded here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string", bodyLimit: bodyLimitBytes }, (_req, body, done) => done(null, body));

  app.addHook("onRequest", async (req) => {
    // The web SDK cannot set headers on an image beacon: the key travels as ?token=.
    const token = (req.query as { token?: unknown }).token;
    if (!req.headers.authorization && typeof token === "string" && token) req.headers.authorization = `Bearer ${token}`;
  });
  app.addHook("onSend", async (_req, reply) => {
    reply.header("access-control-allow-origin", "*");
  });

  const config = { auth: "ingest" as const, audited: false };
  for (const path of PATHS) {
    app.get(
      path,
      {
        schema: { querystring: Query, response: { 400: ErrorDto }, tags, summary: "Sensors image beacon: records in the query, answers a 1×1 GIF", description },
        config,
      },
      async (req, reply) => receive(req, reply, req.query, "gif"),
    );
    app.post(
      path,
      {
        bodyLimit: bodyLimitBytes,
        preParsing: decompressBody,
        schema: {
          querystring: Query,
          body: z.string().optional().describe("Form encoded: data=… or data_list=…[&gzip=1][&crc=…|&ext=crc%3D…]"),
          consumes: ["application/x-www-form-urlencoded", "text/plain"],
          response: { 200: IngestResultDto, 400: ErrorDto },
          tags,
          summary: "Sensors records as a form body (ajax, batch_send, sendBeacon, app and server SDKs)",
          description,
        },
        config,
      },
      async (req, reply) => {
        const form = Object.fromEntries(new URLSearchParams(req.body ?? ""));
        return receive(req, reply, { ...req.query, ...form }, "json");
      },
    );
    app.options(
      path,
      { schema: { hide: true }, config: { auth: "public", audited: false } },
      async (_req, reply) =>
        reply
          .code(204)
          .header("access-control-allow-methods", "GET, POST, OPTIONS")
          .header("access-control-allow-headers", "Content-Type, Content-Encoding, Authorization, Dry-Run")
          .header("access-control-max-age", "86400")
          .send(),
    );
  }

  async function receive(req: FastifyRequest, reply: FastifyReply, fields: SensorsFields & { project?: string }, answer: "gif" | "json") {
    const { workspaceId } = requireWorkspace(req);
    const decoded = decodeSensorsPayload(fields, { maxBytes: bodyLimitBytes, maxRecords: MAX_RECORDS });
    if ("error" in decoded) {
      return send(reply, 400, "ingest.invalid", `${decoded.error.path}: ${decoded.error.message}`, [decoded.error]);
    }
    const options = { project: fields.project, userAgent: req.headers["user-agent"] };
    const errors: IngestItemError[] = [];
    const messages: Record<string, unknown>[] = [];
    const origins: { index: number; sensorsPath(path: string): string }[] = [];
    decoded.records.forEach((record, index) => {
      const mapped = mapSensorsRecord(record, options);
      if ("errors" in mapped) errors.push(...mapped.errors.map((e) => ({ index, ...e })));
      else {
        messages.push(mapped.message);
        origins.push({ index, sensorsPath: mapped.sensorsPath });
      }
    });
    const result = messages.length > 0 ? await services.ingest(workspaceId, messages) : { success: true, accepted: 0, duplicates: 0, errors: [] };
    for (const e of result.errors) {
      const origin = origins[e.index]!;
      errors.push({ index: origin.index, path: origin.sensorsPath(e.path), message: e.message });
    }
    errors.sort((a, b) => a.index - b.index);
    if (result.accepted + result.duplicates > 0) onIngested();
    // Understood requests answer 2xx even when records were refused: the SDKs keep
    // retrying a batch that failed, and a bad record does not get better by retrying.
    if (answer === "gif") return reply.code(200).type("image/gif").header("cache-control", "no-store").send(PIXEL);
    return reply.code(200).send({ success: errors.length === 0, accepted: result.accepted, duplicates: result.duplicates, errors });
  }
};
