import fc from "fast-check";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { readMemberToken, signatureHolds, signMemberToken } from "./member-token-format";

const claims = { workspaceId: "0190a000-0000-7000-8000-000000000001", profileId: "0190a000-0000-7000-8000-000000000002", tokenId: "0190a000-0000-7000-8000-000000000003", issuedAt: 1_700_000_000, expiresAt: 1_700_003_600 };

describe("member token format", () => {
  it("round-trips its claims and holds only under the secret that signed it", () => {
    const token = signMemberToken("secret-1", claims);
    const read = readMemberToken(token)!;
    expect(read.claims).toEqual(claims);
    expect(signatureHolds("secret-1", read)).toBe(true);
    expect(signatureHolds("secret-2", read)).toBe(false);
  });

  it("any change to any character of a token makes it unreadable or its signature fail", () => {
    const token = signMemberToken("secret-1", claims);
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."), (at, c) => {
        fc.pre(token[at] !== c);
        const changed = token.slice(0, at) + c + token.slice(at + 1);
        const read = readMemberToken(changed);
        // base64url ignores the unused low bits of its last character: such a change decodes to the same bytes.
        const same = read !== null && read.signed === token.slice(0, token.lastIndexOf(".")) && read.mac.equals(readMemberToken(token)!.mac);
        if (!same) expect(read === null || !signatureHolds("secret-1", read)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("reads nothing from strings that are not member tokens", () => {
    for (const bad of ["", "smt1", "smt1..", "smt2.e30.AA", "smt1.e30.AA", "smt1.bm90IGpzb24.AA", `smt1.${Buffer.from('{"w":1}').toString("base64url")}.AA`]) {
      expect(readMemberToken(bad), bad).toBeNull();
    }
  });
});

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2025-03-01T08:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  services = createCoreServices({ db: database.db, clock, settings: { access: { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 } } });
});
afterAll(async () => {
  await database?.close();
});

describe("member tokens service", () => {
  it("refuses a token on its expiry second, and forgets tokens a day past expiry", async () => {
    const workspace = await services.workspaces.create({ name: "Tea", timezone: "Asia/Shanghai", currency: "CNY" }, { type: "system", id: null, name: "test" });
    const ctx: WorkspaceContext = { workspaceId: workspace.id, actor: { type: "api_key", id: "0190a000-0000-7000-8000-0000000000aa", name: "brand server" }, storeIds: null, ip: null };
    await services.ingest(workspace.id, [{ type: "identify", messageId: "m1", userId: "u1" }]);
    while ((await services.projectNextBatch()) > 0);
    const issued = await services.memberTokens.issue(ctx, { identifier: { type: "user_id", value: "u1" }, ttlSeconds: 3600 });
    expect(issued.expiresAt).toBe("2025-03-01T09:00:00.000Z");
    clock.advance(3599_000);
    expect((await services.memberTokens.authenticate(workspace.id, issued.token)).profileId).toBe(issued.profileId);
    clock.advance(1000);
    await expect(services.memberTokens.authenticate(workspace.id, issued.token)).rejects.toMatchObject({ code: "member.token_expired", status: 401 });
    expect(await services.memberTokens.deleteExpired()).toBe(0);
    clock.advance(24 * 3600_000 + 1000);
    expect(await services.memberTokens.deleteExpired()).toBe(1);
    // Once forgotten, revoking it by id is a 404.
    await expect(services.memberTokens.revoke(ctx, { tokenId: issued.tokenId })).rejects.toMatchObject({ code: "member.token_not_found" });
  });
});
