import type { FastifyInstance, FastifyRequest } from "fastify";
import { csvEncodingOf, decodeCsvBytes, importErrors } from "@siyu/core";

/**
 * Makes the routes of `scope` read their body as a CSV file: the file itself is the body (`text/csv`,
 * or no type at all: curl -T, a bare fetch of a File, curl's default form type), decoded from UTF-8 or
 * the charset it names (GB18030). A multipart form or an unknown charset is a 415. Register it in the
 * routes' own plugin scope, so JSON routes elsewhere keep JSON.
 */
export function acceptCsvBodies(scope: FastifyInstance): void {
  const readCsv = (req: FastifyRequest, body: Buffer, done: (error: Error | null, body?: string) => void) => {
    const type = req.headers["content-type"] ?? "";
    if (/^multipart\//i.test(type)) {
      done(importErrors.error("imports.unsupported_media_type", "Send the CSV file itself as the body (Content-Type: text/csv), not a multipart form."));
      return;
    }
    const charset = /;\s*charset="?([^";]+)"?/i.exec(type)?.[1];
    const encoding = charset ? csvEncodingOf(charset) : null;
    if (charset && !encoding) {
      done(importErrors.error("imports.unsupported_media_type", `Charset ${charset} is not read; send UTF-8 or GB18030.`));
      return;
    }
    done(null, decodeCsvBytes(body, encoding));
  };
  scope.addContentTypeParser("text/csv", { parseAs: "buffer" }, readCsv);
  scope.addContentTypeParser("*", { parseAs: "buffer" }, readCsv);
}
