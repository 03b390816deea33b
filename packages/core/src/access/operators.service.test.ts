import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { eq } from "@siyu/storage/orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { DomainError } from "../shared/domain-error";
import { hashToken } from "../shared/secrets";
import { accessSessions } from "./access.schema";
import { DEFAULT_ACCESS_SETTINGS, type AccessSettings } from "./access.settings";

const CHEAP: AccessSettings = { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 };
const HOUR = 3_600_000;
const META = { ip: "203.0.113.7", userAgent: "vitest" };

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

function servicesAt(start = "2025-03-01T08:00:00Z", settings: AccessSettings = CHEAP) {
  const clock = fixedClock(start);
  return { clock, services: createCoreServices({ db: database.db, clock, settings: { access: settings } }) };
}

let seq = 0;
function uniqueEmail() {
  seq += 1;
  return `operator${seq}-${Date.now()}@brand.example`;
}

async function newOperator(services: CoreServices, password = "correct horse battery") {
  const email = uniqueEmail();
  const operator = await services.access.createOperator({ email, name: "Wang Fang", password });
  return { operator, email, password };
}

describe("operators", () => {
  it("normalises the email (case, whitespace) and keeps it unique", async () => {
    const { services } = servicesAt();
    const email = uniqueEmail();
    const operator = await services.access.createOperator({
      email: `  ${email.toUpperCase()} `,
      name: "Li Wei",
      password: "correct horse battery",
    });
    expect(operator.email).toBe(email);
    expect(operator.lastLoginAt).toBeNull();
    expect((await services.access.findOperatorByEmail(` ${email.toUpperCase()}`))?.id).toBe(operator.id);

    const duplicate = services.access.createOperator({ email: email.replace("operator", "OPERATOR"), name: "x", password: "another one!" });
    await expect(duplicate).rejects.toBeInstanceOf(DomainError);
    await expect(duplicate).rejects.toMatchObject({ code: "access.email_taken", status: 409 });
  });

  it("gets an operator by id; an unknown or malformed id is operator_not_found", async () => {
    const { services } = servicesAt();
    const { operator } = await newOperator(services);
    expect(await services.access.getOperator(operator.id)).toEqual(operator);
    await expect(services.access.getOperator("0195a6b4-0000-7000-8000-000000000000")).rejects.toMatchObject({
      code: "access.operator_not_found",
      status: 404,
    });
    await expect(services.access.getOperator("not-an-id")).rejects.toMatchObject({ code: "access.operator_not_found" });
  });

  it("stores passwords as Argon2id hashes; with default settings at OWASP's cost (19 MiB, 2 passes)", async () => {
    const { services } = servicesAt("2025-03-01T08:00:00Z", DEFAULT_ACCESS_SETTINGS);
    const { email, password } = await newOperator(services);
    const row = await services.access.findOperatorByEmail(email);
    expect(row?.passwordHash.startsWith("$argon2id$")).toBe(true);
    expect(row?.passwordHash).toContain("m=19456,t=2,p=1");
    expect(row?.passwordHash).not.toContain(password);
    const session = await services.access.login(email, password, META);
    expect(session.operator.email).toBe(email);
  });
});

describe("login and sessions", () => {
  it("logs in with the right password and the session token authenticates the operator", async () => {
    const { services, clock } = servicesAt();
    const { operator, email, password } = await newOperator(services);
    const session = await services.access.login(` ${email.toUpperCase()} `, password, META);
    expect(session.operator.id).toBe(operator.id);
    expect(session.operator.lastLoginAt).toBe(clock.now().toISOString());
    expect(session.expiresAt.getTime()).toBe(clock.now().getTime() + CHEAP.sessionTtlHours * HOUR);

    const authenticated = await services.access.authenticateSession(session.token);
    expect(authenticated?.operator.id).toBe(operator.id);
    expect(authenticated?.operator.email).toBe(email);
    expect((await services.access.getOperator(operator.id)).lastLoginAt).toBe(clock.now().toISOString());
  });

  it("stores only the token's hash, never the token", async () => {
    const { services } = servicesAt();
    const { operator, email, password } = await newOperator(services);
    const session = await services.access.login(email, password, META);
    const rows = await database.db.select().from(accessSessions).where(eq(accessSessions.operatorId, operator.id));
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(session.token);
    expect(rows[0]?.tokenHash).toBe(hashToken(session.token));
    expect(rows[0]?.ip).toBe(META.ip);
  });

  it("answers a wrong password and an unknown email alike: access.invalid_credentials (401)", async () => {
    const { services } = servicesAt();
    const { email } = await newOperator(services);
    const wrong = await services.access.login(email, "not the password", META).catch((e: unknown) => e);
    const unknown = await services.access.login(uniqueEmail(), "not the password", META).catch((e: unknown) => e);
    for (const error of [wrong, unknown]) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: "access.invalid_credentials", status: 401 });
    }
    // the same message for both, so the answer does not reveal which emails have accounts
    expect((wrong as DomainError).message).toBe((unknown as DomainError).message);
  });

  it("rejects empty, unknown and oversized tokens", async () => {
    const { services } = servicesAt();
    expect(await services.access.authenticateSession("")).toBeNull();
    expect(await services.access.authenticateSession("x".repeat(43))).toBeNull();
    expect(await services.access.authenticateSession("x".repeat(5_000))).toBeNull();
  });

  it("expires a session that is not used for sessionTtlHours", async () => {
    const { services, clock } = servicesAt();
    const { email, password } = await newOperator(services);
    const session = await services.access.login(email, password, META);
    clock.advance(CHEAP.sessionTtlHours * HOUR - 60_000);
    expect(await services.access.authenticateSession(session.token)).not.toBeNull();

    const idle = servicesAt();
    const other = await idle.services.access.login(email, password, META);
    idle.clock.advance(CHEAP.sessionTtlHours * HOUR + 1);
    expect(await idle.services.access.authenticateSession(other.token)).toBeNull();
  });

  it("slides the expiry forward each time the session is used", async () => {
    const { services, clock } = servicesAt();
    const { email, password } = await newOperator(services);
    const session = await services.access.login(email, password, META);
    const ttl = CHEAP.sessionTtlHours * HOUR;

    clock.advance(ttl - HOUR);
    expect(await services.access.authenticateSession(session.token)).not.toBeNull();
    // past the first expiry, but within a TTL of the last use
    clock.advance(2 * HOUR);
    expect(await services.access.authenticateSession(session.token)).not.toBeNull();
    clock.advance(ttl - HOUR);
    expect(await services.access.authenticateSession(session.token)).not.toBeNull();
    // a whole TTL without use ends it
    clock.advance(ttl + 1);
    expect(await services.access.authenticateSession(session.token)).toBeNull();
  });

  it("logout ends that session and only that one", async () => {
    const { services } = servicesAt();
    const { email, password } = await newOperator(services);
    const laptop = await services.access.login(email, password, META);
    const phone = await services.access.login(email, password, { ip: null, userAgent: null });
    await services.access.logout(laptop.token);
    expect(await services.access.authenticateSession(laptop.token)).toBeNull();
    expect(await services.access.authenticateSession(phone.token)).not.toBeNull();
    await expect(services.access.logout(laptop.token)).resolves.toBeUndefined();
  });

  it("deleteExpiredSessions removes expired sessions and keeps live ones", async () => {
    const { services, clock } = servicesAt();
    const { operator, email, password } = await newOperator(services);
    await services.access.login(email, password, META);
    clock.advance(CHEAP.sessionTtlHours * HOUR - HOUR);
    const fresh = await services.access.login(email, password, META);
    clock.advance(2 * HOUR);
    await services.access.deleteExpiredSessions();
    const rows = await database.db.select().from(accessSessions).where(eq(accessSessions.operatorId, operator.id));
    expect(rows.map((r) => r.tokenHash)).toEqual([hashToken(fresh.token)]);
  });
});

describe("changing a password", () => {
  it("refuses a wrong current password with access.wrong_password and keeps the old one", async () => {
    const { services } = servicesAt();
    const { operator, email, password } = await newOperator(services);
    const session = await services.access.login(email, password, META);
    const current = await services.access.authenticateSession(session.token);
    await expect(
      services.access.changePassword(operator.id, "not the password", "brand new password", current!.sessionId),
    ).rejects.toMatchObject({ code: "access.wrong_password", status: 400 });
    await expect(services.access.login(email, password, META)).resolves.toBeDefined();
    await expect(services.access.login(email, "brand new password", META)).rejects.toMatchObject({
      code: "access.invalid_credentials",
    });
    expect(await services.access.authenticateSession(session.token)).not.toBeNull();
  });

  it("switches to the new password and ends the operator's other sessions, keeping the current one", async () => {
    const { services } = servicesAt();
    const { operator, email, password } = await newOperator(services);
    const bystander = await newOperator(services);
    const here = await services.access.login(email, password, META);
    const elsewhere = await services.access.login(email, password, META);
    const theirs = await services.access.login(bystander.email, bystander.password, META);
    const current = await services.access.authenticateSession(here.token);

    await services.access.changePassword(operator.id, password, "brand new password", current!.sessionId);

    expect(await services.access.authenticateSession(here.token)).not.toBeNull();
    expect(await services.access.authenticateSession(elsewhere.token)).toBeNull();
    expect(await services.access.authenticateSession(theirs.token)).not.toBeNull();
    await expect(services.access.login(email, password, META)).rejects.toMatchObject({ code: "access.invalid_credentials" });
    await expect(services.access.login(email, "brand new password", META)).resolves.toBeDefined();
  });

  it("a password reset (setPassword) ends every session of the operator", async () => {
    const { services } = servicesAt();
    const { operator, email, password } = await newOperator(services);
    const session = await services.access.login(email, password, META);
    await services.access.setPassword(operator.id, "reset by the owner");
    expect(await services.access.authenticateSession(session.token)).toBeNull();
    await expect(services.access.login(email, "reset by the owner", META)).resolves.toBeDefined();
  });

  it("an unknown operator is operator_not_found", async () => {
    const { services } = servicesAt();
    await expect(
      services.access.changePassword("0195a6b4-0000-7000-8000-000000000000", "whatever", "brand new password", null),
    ).rejects.toMatchObject({ code: "access.operator_not_found", status: 404 });
  });
});
