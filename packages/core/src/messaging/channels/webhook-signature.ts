import { createHmac } from "node:crypto";

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256 over `id.timestamp.body`, keyed by the secret after `whsec_`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** The Standard Webhooks headers for one delivery (the id stays the same across retries). */
export function webhookHeaders(secret: string | null, id: string, timestamp: number, body: string): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(timestamp) };
  if (secret) headers["webhook-signature"] = signWebhook(secret, id, timestamp, body);
  return headers;
}
