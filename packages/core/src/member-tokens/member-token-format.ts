import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * A member token: `smt1.<payload>.<signature>`, both base64url. The payload is compact JSON
 * `{ w: workspaceId, p: profileId, t: tokenId, iat, exp }` (seconds since the epoch); the signature is
 * HMAC-SHA256 over `smt1.<payload>` with the workspace's secret. Readable by anyone, forgeable by no one.
 */
export interface MemberTokenClaims {
  workspaceId: string;
  profileId: string;
  tokenId: string;
  issuedAt: number;
  expiresAt: number;
}

const VERSION = "smt1";

function signature(secret: string, signed: string): Buffer {
  return createHmac("sha256", secret).update(signed).digest();
}

export function signMemberToken(secret: string, claims: MemberTokenClaims): string {
  const payload = Buffer.from(
    JSON.stringify({ w: claims.workspaceId, p: claims.profileId, t: claims.tokenId, iat: claims.issuedAt, exp: claims.expiresAt }),
  ).toString("base64url");
  const signed = `${VERSION}.${payload}`;
  return `${signed}.${signature(secret, signed).toString("base64url")}`;
}

/** The claims a token states, before its signature is checked; null when it is not a member token at all. */
export function readMemberToken(token: string): { claims: MemberTokenClaims; signed: string; mac: Buffer } | null {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== VERSION || !parts[1] || !parts[2]) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const { w, p, t, iat, exp } = (raw ?? {}) as Record<string, unknown>;
  if (typeof w !== "string" || typeof p !== "string" || typeof t !== "string" || !Number.isInteger(iat) || !Number.isInteger(exp)) return null;
  return {
    claims: { workspaceId: w, profileId: p, tokenId: t, issuedAt: iat as number, expiresAt: exp as number },
    signed: `${parts[0]}.${parts[1]}`,
    mac: Buffer.from(parts[2], "base64url"),
  };
}

/** Constant-time check of the signature against the workspace's secret. */
export function signatureHolds(secret: string, read: { signed: string; mac: Buffer }): boolean {
  const expected = signature(secret, read.signed);
  return read.mac.length === expected.length && timingSafeEqual(read.mac, expected);
}
