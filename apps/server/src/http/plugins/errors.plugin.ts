import fp from "fastify-plugin";
import type { FastifyError, FastifyReply } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { DomainError } from "@siyu/core";

export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * The one place errors become HTTP answers, all in the shape
 * {"error":{"code","message","details"}}. Domain errors carry their status;
 * schema failures name the field; anything unexpected is logged once and hidden.
 */
export const errorsPlugin = fp(async (app) => {
  app.setErrorHandler((error: FastifyError | DomainError, req, reply) => {
    if (error instanceof DomainError) {
      return send(reply, error.status, error.code, error.message, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? "body";
      const details: FieldProblem[] = error.validation.flatMap((v) => {
        const path = [where, ...v.instancePath.split("/").filter(Boolean)];
        // An unknown field is named as the field itself, not as its parent object.
        const keys = v.keyword === "unrecognized_keys" ? (v.params as { keys?: string[] }).keys : undefined;
        if (keys?.length) return keys.map((key) => ({ path: [...path, key].join("."), message: "is not a known field" }));
        return [{ path: path.join("."), message: v.message ?? "is invalid" }];
      });
      const first = details[0];
      return send(reply, 400, "request.invalid", first ? `${first.path}: ${first.message}` : "Invalid request.", details);
    }
    const status = error.statusCode ?? 500;
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return send(reply, 413, "request.too_large", "The request body is larger than this server accepts.");
    }
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return send(reply, 415, "request.unsupported_media_type", "Send the body as application/json.");
    }
    if (status >= 400 && status < 500) {
      const malformed = error.code?.startsWith("FST_ERR_CTP") || error instanceof SyntaxError;
      return send(reply, status, malformed ? "request.malformed" : "request.invalid", malformed ? `Malformed body: ${error.message}` : error.message);
    }
    req.log.error({ err: error }, "request failed");
    return send(reply, 500, "internal", "Something went wrong on our side; the error was logged.");
  });
});

export function send(reply: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  return reply.code(status).type("application/json").send({ error: details === undefined ? { code, message } : { code, message, details } });
}
