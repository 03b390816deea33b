import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "@siyu/storage/orm";
import { signMemberToken, readMemberToken } from "@siyu/core";
import { addOperator, buildTestApp, createApiKey, createWorkspace, type TestApp, type TestWorkspace } from "../../../testing/test-app";

/**
 * The member API end to end over HTTP: tokens issued by the brand's back end, the two credentials on
 * every member request, and the loyalty endpoints acting on the token's member only.
 */
let t: TestApp;
interface Side {
  ws: TestWorkspace;
  admin: string;
  ingest: string;
  ingestSecret: string;
}
let A: Side;
let B: Side;
let serial = 0;

async function side(name: string): Promise<Side> {
  const ws = await createWorkspace(t, name);
  const ingest = await createApiKey(t, ws, "ingest");
  return { ws, admin: (await createApiKey(t, ws, "admin")).authorization, ingest: ingest.authorization, ingestSecret: ingest.secret };
}

beforeAll(async () => {
  t = await buildTestApp();
  A = await side("Member brand A");
  B = await side("Member brand B");
});
afterAll(() => t.close());

/** A customer through the tracking API (the way a mini-program's login identify creates one). */
async function customer(s: Side, traits: Record<string, unknown> = {}) {
  serial += 1;
  const userId = `m-${serial}`;
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/batch",
    headers: { authorization: s.ingest },
    payload: { batch: [{ type: "identify", messageId: `mid-${serial}`, userId, traits: { name: `会员${serial}`, ...traits } }] },
  });
  expect(res.statusCode, res.body).toBe(200);
  while ((await t.services.projectNextBatch()) > 0);
  const profileId = (await t.services.identity.profilesOfIdentifiers(s.ws.workspaceId, [{ type: "user_id", value: userId }]))[0] as { profileId: string };
  return { userId, profileId: profileId.profileId };
}

function admin(s: Side, url: string, payload?: object, auth = s.admin) {
  return t.app.inject({ method: payload ? "POST" : "GET", url: `/api/v1/workspaces/${s.ws.workspaceId}${url}`, headers: { authorization: auth }, ...(payload ? { payload } : {}) });
}

async function tokenFor(s: Side, identifier: { type: string; value: string }, ttlSeconds?: number) {
  const res = await admin(s, "/member-tokens", { identifier, ...(ttlSeconds ? { ttlSeconds } : {}) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ token: string; tokenId: string; profileId: string; expiresAt: string }>();
}

function member(method: "GET" | "POST", url: string, token: string | null, s: Side = A, payload?: object) {
  const headers: Record<string, string> = { "x-siyu-ingest-key": s.ingestSecret };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return t.app.inject({ method, url: `/member/v1${url}`, headers, ...(payload ? { payload } : {}) });
}

function expectError(res: { statusCode: number; body: string }, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect((JSON.parse(res.body) as { error: { code: string } }).error.code, res.body).toBe(code);
}

const ctxOf = (s: Side) => ({ workspaceId: s.ws.workspaceId, actor: { type: "system" as const, id: null, name: "test" }, storeIds: null, ip: null });

async function template(s: Side, body: Record<string, unknown>) {
  const res = await admin(s, "/coupon-templates", { name: "¥5 off", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 30 }, ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

describe("member tokens", () => {
  it("the brand's back end gets a token for a known identifier; unknown and invalid identifiers are refused", async () => {
    const c = await customer(A, { phone: "13912345678" });
    const issued = await tokenFor(A, { type: "user_id", value: c.userId });
    expect(issued.profileId).toBe(c.profileId);
    expect(issued.token).toMatch(/^smt1\.[\w-]+\.[\w-]+$/);
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
    // The phone, however it is written, finds the same customer.
    expect((await tokenFor(A, { type: "phone", value: "139 1234 5678" })).profileId).toBe(c.profileId);

    expectError(await admin(A, "/member-tokens", { identifier: { type: "user_id", value: "nobody" } }), 404, "member.unknown_identifier");
    expectError(await admin(A, "/member-tokens", { identifier: { type: "phone", value: "12" } }), 400, "member.invalid_identifier");
    expectError(await admin(A, "/member-tokens", { identifier: { type: "shoe_size", value: "42" } }), 400, "member.invalid_identifier");
    const ttl = await admin(A, "/member-tokens", { identifier: { type: "user_id", value: c.userId }, ttlSeconds: 10 });
    expectError(ttl, 400, "request.invalid");
    expect(ttl.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path).toBe("body.ttlSeconds");
  });

  it("only owners, admins and admin keys may issue tokens (members.tokens); an ingest key may not", async () => {
    const c = await customer(A);
    const body = { identifier: { type: "user_id", value: c.userId } };
    expectError(await admin(A, "/member-tokens", body, A.ingest), 403, "auth.forbidden");
    const operator = await addOperator(t, A.ws, "operator");
    const res = await t.app.inject({ method: "POST", url: `/api/v1/workspaces/${A.ws.workspaceId}/member-tokens`, headers: { cookie: operator.cookie }, payload: body });
    expectError(res, 403, "auth.forbidden");
    const owner = await t.app.inject({ method: "POST", url: `/api/v1/workspaces/${A.ws.workspaceId}/member-tokens`, headers: { cookie: A.ws.ownerCookie }, payload: body });
    expect(owner.statusCode, owner.body).toBe(201);
  });
});

describe("member authentication", () => {
  it("takes the ingest key as X-Siyu-Ingest-Key with a Bearer token, or both in Basic auth (key as user, token as password)", async () => {
    const c = await customer(A, { phone: "13812345678" });
    const { token } = await tokenFor(A, { type: "user_id", value: c.userId });
    const me = await member("GET", "/me", token);
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ profileId: c.profileId, name: expect.stringMatching(/^会员/), phone: "+86138****5678", orderCount: 0, tier: { code: "bronze" } });
    const basic = Buffer.from(`${A.ingestSecret}:${token}`).toString("base64");
    const viaBasic = await t.app.inject({ method: "GET", url: "/member/v1/me", headers: { authorization: `Basic ${basic}` } });
    expect(viaBasic.statusCode, viaBasic.body).toBe(200);
    expect(viaBasic.json<{ profileId: string }>().profileId).toBe(c.profileId);
  });

  it("401 with a specific code for a missing, malformed, forged, tampered or expired token; 401 without a valid key", async () => {
    const c = await customer(A);
    const other = await customer(A);
    const { token, tokenId } = await tokenFor(A, { type: "user_id", value: c.userId });
    expectError(await t.app.inject({ method: "GET", url: "/member/v1/me", headers: { authorization: `Bearer ${token}` } }), 401, "auth.unauthenticated");
    expectError(await t.app.inject({ method: "GET", url: "/member/v1/me", headers: { "x-siyu-ingest-key": "sk_ingest_nope", authorization: `Bearer ${token}` } }), 401, "auth.unauthenticated");
    expectError(await member("GET", "/me", null), 401, "member.token_missing");
    expectError(await member("GET", "/me", "not-a-token"), 401, "member.token_invalid");
    expectError(await member("GET", "/points", "smt1.e30.AAAA"), 401, "member.token_invalid");

    // Tampered payload: the other customer's id under the original signature.
    const [v, payload, sig] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    const swapped = Buffer.from(JSON.stringify({ ...claims, p: other.profileId })).toString("base64url");
    expectError(await member("GET", "/me", `${v}.${swapped}.${sig}`), 401, "member.token_invalid");
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: (claims.exp as number) + 3600 })).toString("base64url");
    expectError(await member("GET", "/me", `${v}.${longer}.${sig}`), 401, "member.token_invalid");
    // Tampered signature: one character flipped.
    const flipped = sig.slice(0, -2) + (sig.at(-2) === "A" ? "B" : "A") + sig.at(-1);
    expectError(await member("GET", "/me", `${v}.${payload}.${flipped}`), 401, "member.token_invalid");
    // Forged: signed with a secret that is not the workspace's.
    const read = readMemberToken(token)!;
    expectError(await member("GET", "/me", signMemberToken("guessed secret", { ...read.claims, profileId: other.profileId })), 401, "member.token_invalid");

    // Expired: a genuine signature (the workspace's own secret) whose expiry has passed.
    const secret = await workspaceSecret(A);
    const now = Math.floor(Date.now() / 1000);
    const expired = signMemberToken(secret, { ...read.claims, issuedAt: now - 7200, expiresAt: now - 1 });
    expectError(await member("GET", "/me", expired), 401, "member.token_expired");
    // A genuine signature over a token id that was never issued is refused like a forgery.
    expectError(await member("GET", "/me", signMemberToken(secret, { ...read.claims, tokenId: "01890f2e-0000-7000-8000-000000000000" })), 401, "member.token_invalid");
    // The genuine token still works.
    expect((await member("GET", "/me", token)).statusCode).toBe(200);
    expect(tokenId).toBe(read.claims.tokenId);
  });

  it("a token of workspace X is refused with workspace Y's key (403), and cannot be re-signed for Y", async () => {
    const a = await customer(A);
    const b = await customer(B);
    const tokenA = (await tokenFor(A, { type: "user_id", value: a.userId })).token;
    const tokenB = (await tokenFor(B, { type: "user_id", value: b.userId })).token;
    expectError(await member("GET", "/me", tokenA, B), 403, "member.wrong_workspace");
    expectError(await member("GET", "/points", tokenB, A), 403, "member.wrong_workspace");
    // Claiming workspace A in a token signed with B's secret: A's secret does not verify it.
    const readB = readMemberToken(tokenB)!;
    const crossed = signMemberToken(await workspaceSecret(B), { ...readB.claims, workspaceId: A.ws.workspaceId });
    expectError(await member("GET", "/me", crossed, A), 401, "member.token_invalid");
    expect((await member("GET", "/me", tokenB, B)).json<{ profileId: string }>().profileId).toBe(b.profileId);
  });

  it("revokes one token by id, or every token of a member; other members keep theirs", async () => {
    const c = await customer(A);
    const other = await customer(A);
    const first = await tokenFor(A, { type: "user_id", value: c.userId });
    const second = await tokenFor(A, { type: "user_id", value: c.userId });
    const third = await tokenFor(A, { type: "user_id", value: c.userId });
    const others = await tokenFor(A, { type: "user_id", value: other.userId });
    const one = await admin(A, "/member-tokens/revocations", { tokenId: first.tokenId });
    expect(one.json()).toEqual({ revoked: 1 });
    expectError(await member("GET", "/me", first.token), 401, "member.token_revoked");
    expect((await member("GET", "/me", second.token)).statusCode).toBe(200);
    const all = await admin(A, "/member-tokens/revocations", { profileId: c.profileId });
    expect(all.json()).toEqual({ revoked: 2 });
    expectError(await member("GET", "/me", second.token), 401, "member.token_revoked");
    expectError(await member("GET", "/points", third.token), 401, "member.token_revoked");
    expect((await member("GET", "/me", others.token)).statusCode).toBe(200);
    // Revoking is audited; unknown ids and other workspaces' objects are 404.
    const audit = await t.app.inject({ method: "GET", url: `/api/v1/workspaces/${A.ws.workspaceId}/audit-log?limit=1`, headers: { cookie: A.ws.ownerCookie } });
    expect(audit.json<{ items: { action: string; targetId: string }[] }>().items[0]).toMatchObject({ action: "member_tokens.revoked", targetId: c.profileId });
    expectError(await admin(A, "/member-tokens/revocations", { tokenId: "01890f2e-0000-7000-8000-000000000000" }), 404, "member.token_not_found");
    const b = await customer(B);
    const tokenB = await tokenFor(B, { type: "user_id", value: b.userId });
    expectError(await admin(A, "/member-tokens/revocations", { tokenId: tokenB.tokenId }), 404, "member.token_not_found");
    expectError(await admin(A, "/member-tokens/revocations", { profileId: b.profileId }), 404, "profiles.not_found");
    expect((await member("GET", "/me", tokenB.token, B)).statusCode).toBe(200);
  });

  it("rotating the workspace's secret voids every token issued before at once; new tokens work", async () => {
    const s = await side("Rotating brand");
    const c = await customer(s);
    const old = await tokenFor(s, { type: "user_id", value: c.userId });
    expect((await member("GET", "/me", old.token, s)).statusCode).toBe(200);
    const rotated = await admin(s, "/member-tokens/secret/rotation", {});
    expect(rotated.statusCode, rotated.body).toBe(200);
    expectError(await member("GET", "/me", old.token, s), 401, "member.token_invalid");
    const fresh = await tokenFor(s, { type: "user_id", value: c.userId });
    expect((await member("GET", "/me", fresh.token, s)).statusCode).toBe(200);
    // Another workspace's tokens are untouched.
    const a = await customer(A);
    expect((await member("GET", "/me", (await tokenFor(A, { type: "user_id", value: a.userId })).token)).statusCode).toBe(200);
  });

  it("a token follows merges: issued before two profiles merge, it speaks for the surviving one", async () => {
    const c = await customer(A);
    serial += 1;
    const anonymousId = `guest-${serial}`;
    const ingest = (batch: object[]) => t.app.inject({ method: "POST", url: "/v1/batch", headers: { authorization: A.ingest }, payload: { batch } });
    // A guest browsing the H5 page before logging in: a profile of its own.
    await ingest([{ type: "identify", messageId: `guest-${serial}`, anonymousId, traits: { name: "访客" } }]);
    while ((await t.services.projectNextBatch()) > 0);
    const guest = await tokenFor(A, { type: "anonymous_id", value: anonymousId });
    const known = await tokenFor(A, { type: "user_id", value: c.userId });
    expect(guest.profileId).not.toBe(known.profileId);
    // The guest logs in: one person, the two profiles merge.
    await ingest([{ type: "identify", messageId: `login-${serial}`, userId: c.userId, anonymousId }]);
    while ((await t.services.projectNextBatch()) > 0);
    const live = await t.services.profiles.resolveId(ctxOf(A), c.profileId);
    expect(await t.services.profiles.resolveId(ctxOf(A), guest.profileId)).toBe(live);
    await t.services.points.adjust(ctxOf(A), live, { delta: 77, reason: "merged", idempotencyKey: `merged-${serial}` });
    for (const token of [guest.token, known.token]) {
      expect((await member("GET", "/me", token)).json<{ profileId: string }>().profileId).toBe(live);
      expect((await member("GET", "/points", token)).json()).toMatchObject({ available: 77 });
    }
    // Revoking the survivor's tokens revokes the one issued to the absorbed profile too.
    const all = await admin(A, "/member-tokens/revocations", { profileId: live });
    expect(all.json()).toEqual({ revoked: 2 });
    expectError(await member("GET", "/me", guest.token), 401, "member.token_revoked");
    expectError(await member("GET", "/me", known.token), 401, "member.token_revoked");
  });
});

async function workspaceSecret(s: Side): Promise<string> {
  const res = (await t.database.db.execute(sql`select secret from member_token_secrets where workspace_id = ${s.ws.workspaceId}::uuid`)) as unknown as { rows: { secret: string }[] };
  return res.rows[0]!.secret;
}

describe("member loyalty endpoints", () => {
  it("a member sees only their own points, history, coupons and stored value; no parameter can name another customer", async () => {
    const a = await customer(A);
    const b = await customer(A, { phone: "13600000009" });
    const tokenA = (await tokenFor(A, { type: "user_id", value: a.userId })).token;
    await t.services.points.adjust(ctxOf(A), b.profileId, { delta: 900, reason: "B's points", idempotencyKey: `b-${serial}` });
    await t.services.points.adjust(ctxOf(A), a.profileId, { delta: 30, reason: "A's welcome", idempotencyKey: `a1-${serial}` });
    await t.services.points.adjust(ctxOf(A), a.profileId, { delta: 20, reason: "A's review", idempotencyKey: `a2-${serial}` });
    const tpl = await template(A, { perMemberLimit: null });
    await t.services.coupons.issue(ctxOf(A), tpl, { profileIds: [b.profileId], idempotencyKey: `b-coupon-${serial}` });
    await t.services.storedValue.topUp(ctxOf(A), b.profileId, { amountMinor: 10000, reference: "wx-b", idempotencyKey: `b-sv-${serial}` });

    expect((await member("GET", "/points", tokenA)).json()).toEqual({ available: 50, pending: 0, lifetimeEarned: 50 });
    const page1 = await member("GET", "/points/history?limit=1", tokenA);
    const body1 = page1.json<{ items: Record<string, unknown>[]; nextCursor: string }>();
    expect(body1.items).toHaveLength(1);
    expect(body1.items[0]).toMatchObject({ kind: "adjust", delta: 20, reason: "A's review" });
    expect(body1.items[0]).not.toHaveProperty("idempotencyKey");
    expect(body1.items[0]).not.toHaveProperty("actor");
    const page2 = await member("GET", `/points/history?limit=1&cursor=${body1.nextCursor}`, tokenA);
    expect(page2.json<{ items: { delta: number }[]; nextCursor: string | null }>()).toMatchObject({ items: [{ delta: 30 }], nextCursor: null });
    expect((await member("GET", "/coupons", tokenA)).json()).toEqual({ items: [] });
    expect((await member("GET", "/stored-value", tokenA)).json()).toEqual({ principalMinor: 0, bonusMinor: 0, totalMinor: 0 });

    // Every way of naming B is refused before any data is read.
    for (const url of [`/points?profileId=${b.profileId}`, `/me?profileId=${b.profileId}`, `/coupons?profileId=${b.profileId}`, `/points/history?profileId=${b.profileId}`, `/stored-value?userId=${b.userId}`]) {
      expectError(await member("GET", url, tokenA), 400, "request.invalid");
    }
    expectError(await member("POST", "/coupons/claims", tokenA, A, { templateId: tpl, idempotencyKey: "x", profileId: b.profileId }), 400, "request.invalid");
    expect((await t.app.inject({ method: "GET", url: `/member/v1/customers/${b.profileId}/points`, headers: { "x-siyu-ingest-key": A.ingestSecret, authorization: `Bearer ${tokenA}` } })).statusCode).toBe(404);
    // Nothing in A's answers mentions B.
    for (const url of ["/me", "/points", "/points/history", "/coupons", "/tier", "/stored-value", "/coupon-templates"]) {
      const res = await member("GET", url, tokenA);
      expect(res.statusCode, `${url} ${res.body}`).toBe(200);
      expect(res.body).not.toContain(b.profileId);
      expect(res.body).not.toContain("13600000009");
      expect(res.body).not.toContain("6****0009");
    }
  });

  it("lists claimable and points templates; claims respect limits and replay by key; errors carry the loyalty codes", async () => {
    const s = await side("Claims brand");
    const a = await customer(s);
    const b = await customer(s);
    const tokenA = (await tokenFor(s, { type: "user_id", value: a.userId })).token;
    const tokenB = (await tokenFor(s, { type: "user_id", value: b.userId })).token;
    const claimable = await template(s, { name: "Welcome", claimable: true, perMemberLimit: 1, totalStock: 10 });
    const hidden = await template(s, { name: "Operators only" });
    const forPoints = await template(s, { name: "For points", pointsCost: 100, perMemberLimit: null });
    const paused = await template(s, { name: "Paused", claimable: true, status: "paused" });
    const list = (await member("GET", "/coupon-templates", tokenA, s)).json<{ items: Record<string, unknown>[] }>().items;
    expect(list.map((i) => i.name).sort()).toEqual(["For points", "Welcome"]);
    expect(list.find((i) => i.id === claimable)).toMatchObject({ claimable: true, remainingStock: 10, pointsCost: null, perMemberLimit: 1 });
    expect(list.find((i) => i.id === forPoints)).toMatchObject({ claimable: false, pointsCost: 100, remainingStock: null });
    expect(list[0]).not.toHaveProperty("issuedCount");

    const first = await member("POST", "/coupons/claims", tokenA, s, { templateId: claimable, idempotencyKey: "tap-1" });
    expect(first.statusCode, first.body).toBe(201);
    const replay = await member("POST", "/coupons/claims", tokenA, s, { templateId: claimable, idempotencyKey: "tap-1" });
    expect(replay.statusCode).toBe(200);
    expect(replay.json<{ coupon: { code: string } }>().coupon.code).toBe(first.json<{ coupon: { code: string } }>().coupon.code);
    const again = await member("POST", "/coupons/claims", tokenA, s, { templateId: claimable, idempotencyKey: "tap-2" });
    expectError(again, 409, "loyalty.limit_reached");
    expect(again.json<{ error: { details: unknown } }>().error.details).toEqual({ limit: "perMember" });
    // The same key from another member is that member's own claim, not a replay of A's.
    const bClaim = await member("POST", "/coupons/claims", tokenB, s, { templateId: claimable, idempotencyKey: "tap-1" });
    expect(bClaim.statusCode, bClaim.body).toBe(201);
    expect(bClaim.json<{ coupon: { code: string } }>().coupon.code).not.toBe(first.json<{ coupon: { code: string } }>().coupon.code);

    expectError(await member("POST", "/coupons/claims", tokenA, s, { templateId: hidden, idempotencyKey: "h" }), 422, "loyalty.not_claimable");
    expectError(await member("POST", "/coupons/claims", tokenA, s, { templateId: forPoints, idempotencyKey: "p" }), 422, "loyalty.not_claimable");
    expectError(await member("POST", "/coupons/claims", tokenA, s, { templateId: paused, idempotencyKey: "q" }), 409, "loyalty.template_inactive");
    expectError(await member("POST", "/coupons/claims", tokenA, s, { templateId: "01890f2e-0000-7000-8000-000000000000", idempotencyKey: "r" }), 404, "loyalty.template_not_found");
    // Another workspace's claimable template does not exist here.
    const elsewhere = await template(A, { claimable: true });
    expectError(await member("POST", "/coupons/claims", tokenA, s, { templateId: elsewhere, idempotencyKey: "s" }), 404, "loyalty.template_not_found");
    expectError(await member("POST", "/coupons/claims", tokenA, s, { templateId: claimable }), 400, "request.invalid");

    const mine = await member("GET", "/coupons?status=available", tokenA, s);
    expect(mine.json<{ items: { templateId: string; status: string }[] }>().items).toEqual([expect.objectContaining({ templateId: claimable, status: "available" })]);
    expect((await member("GET", "/coupons?status=redeemed", tokenA, s)).json()).toEqual({ items: [] });
    expectError(await member("GET", "/coupons?status=lost", tokenA, s), 400, "request.invalid");
    // Stock shrinks for everyone: two claimed of ten.
    const after = (await member("GET", "/coupon-templates", tokenB, s)).json<{ items: { id: string; remainingStock: number | null }[] }>().items;
    expect(after.find((i) => i.id === claimable)?.remainingStock).toBe(8);
  });

  it("exchanges points for a coupon all or nothing, with the loyalty codes for each refusal", async () => {
    const s = await side("Exchange brand");
    const a = await customer(s);
    const tokenA = (await tokenFor(s, { type: "user_id", value: a.userId })).token;
    const forPoints = await template(s, { name: "For points", pointsCost: 100, perMemberLimit: 1, totalStock: 5 });
    const notForPoints = await template(s, { name: "Gift", claimable: true });
    expectError(await member("POST", "/points/exchanges", tokenA, s, { templateId: forPoints, idempotencyKey: "ex-1" }), 422, "loyalty.insufficient_points");
    // Nothing issued by the refused exchange.
    expect((await member("GET", "/coupons", tokenA, s)).json()).toEqual({ items: [] });
    await t.services.points.adjust(ctxOf(s), a.profileId, { delta: 250, reason: "gift", idempotencyKey: "gift-250" });
    const done = await member("POST", "/points/exchanges", tokenA, s, { templateId: forPoints, idempotencyKey: "ex-1" });
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json()).toMatchObject({ balance: { available: 150 }, entry: { kind: "redeem", delta: -100 }, coupon: { templateId: forPoints, status: "available" }, replayed: false });
    expect(done.json<{ entry: Record<string, unknown> }>().entry).not.toHaveProperty("idempotencyKey");
    const replay = await member("POST", "/points/exchanges", tokenA, s, { templateId: forPoints, idempotencyKey: "ex-1" });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ balance: { available: 150 }, replayed: true });
    expectError(await member("POST", "/points/exchanges", tokenA, s, { templateId: forPoints, idempotencyKey: "ex-2" }), 409, "loyalty.limit_reached");
    expectError(await member("POST", "/points/exchanges", tokenA, s, { templateId: notForPoints, idempotencyKey: "ex-3" }), 422, "loyalty.not_exchangeable");
    expectError(await member("POST", "/points/exchanges", tokenA, s, { templateId: forPoints, idempotencyKey: "" }), 400, "request.invalid");
    // The key reused for a different template is a conflict, not a second effect.
    const other = await template(s, { name: "Other", pointsCost: 10, perMemberLimit: null });
    expectError(await member("POST", "/points/exchanges", tokenA, s, { templateId: other, idempotencyKey: "ex-1" }), 409, "loyalty.idempotency_conflict");
    expect((await member("GET", "/points", tokenA, s)).json()).toMatchObject({ available: 150 });
  });

  it("shows tier progress and stored value of the member", async () => {
    const s = await side("Tier brand");
    const a = await customer(s);
    const tokenA = (await tokenFor(s, { type: "user_id", value: a.userId })).token;
    await t.services.storedValue.topUp(ctxOf(s), a.profileId, { amountMinor: 20000, reference: "wx-1", idempotencyKey: "sv-1" });
    expect((await member("GET", "/stored-value", tokenA, s)).json()).toMatchObject({ principalMinor: 20000, totalMinor: 20000 });
    const tier = await member("GET", "/tier", tokenA, s);
    expect(tier.statusCode, tier.body).toBe(200);
    expect(tier.json()).toMatchObject({ tier: { code: "bronze" }, growth: 0, next: { code: "silver", remaining: 1000 } });
    expect(tier.json()).not.toHaveProperty("profileId");
  });
});

describe("member engagement and catalogue endpoints", () => {
  it("checks the member in once a day, shows tasks, badges, the catalogue and lotteries, redeems and draws for the member only", async () => {
    const c = await customer(A);
    const other = await customer(A);
    const { token } = await tokenFor(A, { type: "user_id", value: c.userId });
    const ctx = ctxOf(A);

    const first = await member("POST", "/check-ins", token, A, { idempotencyKey: "today" });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ checkIn: { profileId: c.profileId, kind: "check_in", streak: 1 }, replayed: false });
    expect((await member("POST", "/check-ins", token, A, { idempotencyKey: "today" })).statusCode).toBe(200);
    expectError(await member("POST", "/check-ins", token, A, {}), 409, "loyalty.already_checked_in");
    // Another member's key space is their own: the same key checks them in.
    const otherToken = (await tokenFor(A, { type: "user_id", value: other.userId })).token;
    expect((await member("POST", "/check-ins", otherToken, A, { idempotencyKey: "today" })).statusCode).toBe(201);
    const calendar = await member("GET", "/check-ins", token);
    expect(calendar.json()).toMatchObject({ currentStreak: 1 });

    await t.services.tasks.create(ctx, { code: `m_${serial}`, nameZh: "首单", kind: "once", steps: [{ kind: "event", event: "Order Completed" }], rewardPoints: 10 });
    const tasks = (await member("GET", "/tasks", token)).json<{ items: { task: { code: string }; open: boolean; steps: { done: number; needed: number }[] }[] }>().items;
    expect(tasks.find((x) => x.task.code === `m_${serial}`)).toMatchObject({ open: true, steps: [{ done: 0, needed: 1 }] });
    expect((await member("GET", "/badges", token)).json()).toEqual({ items: [] });

    await t.services.points.adjust(ctx, c.profileId, { delta: 100, reason: "test", idempotencyKey: `m-cat-${serial}` });
    const item = await t.services.catalogue.createItem(ctx, { kind: "goods", sku: `TUMBLER-${serial}`, name: "Tumbler", pointsCost: 60, stock: 1 });
    const catalogue = (await member("GET", "/catalogue", token)).json<{ items: { id: string }[] }>();
    expect(catalogue.items.map((i) => i.id)).toContain(item.id);
    const redeemed = await member("POST", "/redemptions", token, A, { itemId: item.id, idempotencyKey: "tumbler" });
    expect(redeemed.statusCode, redeemed.body).toBe(201);
    expect((await member("POST", "/redemptions", token, A, { itemId: item.id, idempotencyKey: "tumbler" })).statusCode).toBe(200);
    expectError(await member("POST", "/redemptions", otherToken, A, { itemId: item.id, idempotencyKey: "tumbler" }), 409, "loyalty.out_of_stock");
    const mine = (await member("GET", "/redemptions", token)).json<{ items: { profileId: string }[] }>().items;
    expect(mine).toHaveLength(1);
    expect((await member("GET", "/redemptions", otherToken)).json()).toMatchObject({ items: [] });

    const campaign = await t.services.lottery.create(ctx, { name: "Spring", pointsCost: 10, prizes: [{ name: "Thanks", kind: "none", weight: 1 }] });
    expect((await member("GET", "/lotteries", token)).json<{ items: { id: string }[] }>().items.map((l) => l.id)).toContain(campaign.id);
    const drawn = await member("POST", "/lottery-draws", token, A, { campaignId: campaign.id, idempotencyKey: "d1" });
    expect(drawn.statusCode, drawn.body).toBe(201);
    expect(drawn.json()).toMatchObject({ balance: { available: 100 + 5 - 60 - 10 }, replayed: false });
    expectError(await member("POST", "/lottery-draws", otherToken, A, { campaignId: campaign.id, idempotencyKey: "d1" }), 422, "loyalty.insufficient_points");
  });
});

describe("member rate limit", () => {
  it("limits requests per member token; other members are not affected", async () => {
    const limited = await buildTestApp({ rateLimitPerMemberPerMinute: 3 });
    try {
      const ws = await createWorkspace(limited, "Limited brand");
      const ingest = await createApiKey(limited, ws, "ingest");
      const adminKey = await createApiKey(limited, ws, "admin");
      const tokens: string[] = [];
      for (const userId of ["r-1", "r-2"]) {
        await limited.app.inject({ method: "POST", url: "/v1/batch", headers: { authorization: ingest.authorization }, payload: { batch: [{ type: "identify", messageId: userId, userId }] } });
        while ((await limited.services.projectNextBatch()) > 0);
        const res = await limited.app.inject({ method: "POST", url: `/api/v1/workspaces/${ws.workspaceId}/member-tokens`, headers: { authorization: adminKey.authorization }, payload: { identifier: { type: "user_id", value: userId } } });
        tokens.push(res.json<{ token: string }>().token);
      }
      const call = (token: string) => limited.app.inject({ method: "GET", url: "/member/v1/points", headers: { "x-siyu-ingest-key": ingest.secret, authorization: `Bearer ${token}` } });
      for (let i = 0; i < 3; i++) expect((await call(tokens[0]!)).statusCode).toBe(200);
      expectError(await call(tokens[0]!), 429, "request.rate_limited");
      expect((await call(tokens[1]!)).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
