import { createGunzip, createInflate } from "node:zlib";
import type { FastifyRequest } from "fastify";
import { httpErrors } from "../http.errors";

/**
 * preParsing hook for the tracking endpoints: SDKs may gzip their batches. The
 * body limit then applies to the inflated bytes, so a small zip bomb is refused.
 */
export async function decompressBody(req: FastifyRequest, _reply: unknown, payload: NodeJS.ReadableStream) {
  const encoding = String(req.headers["content-encoding"] ?? "identity").toLowerCase();
  if (encoding === "identity") return payload;
  const inflater = encoding === "gzip" ? createGunzip() : encoding === "deflate" ? createInflate() : null;
  if (!inflater) throw httpErrors.error("request.unsupported_media_type", `Content-Encoding ${encoding} is not supported; send gzip, deflate or none.`);
  inflater.on("error", () => inflater.destroy(httpErrors.error("request.malformed", "The body is not valid gzip/deflate data.")));
  delete req.headers["content-length"];
  return payload.pipe(inflater);
}
