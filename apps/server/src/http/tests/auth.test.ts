import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addOperator,
  buildTestApp,
  createApiKey,
  createStore,
  createWorkspace,
  login,
  TEST_PASSWORD,
  type TestApp,
  type TestWorkspace,
} from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
const base = () => `/api/v1/workspaces/${ws.workspaceId}`;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Auth brand");
});
afterAll(() => t.close());

describe("operator sessions", () => {
  it("login sets an httpOnly session cookie; logout ends the session", async () => {
    const email = `login-${Date.now()}@example.com`;
    await t.services.access.createOperator({ email, name: "Li", password: TEST_PASSWORD });
    const res = await t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email: email.toUpperCase(), password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === "siyu_session")!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe("Lax");
    const headers = { cookie: `siyu_session=${cookie.value}` };
    expect((await t.app.inject({ method: "GET", url: "/api/v1/me", headers })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers })).statusCode).toBe(204);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/me", headers })).statusCode).toBe(401);
  });

  it("a wrong password is 401 with the same answer as an unknown email", async () => {
    const wrong = await t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email: "nobody@example.com", password: "x" } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe("access.invalid_credentials");
  });

  it("changing the password keeps this session and ends the others", async () => {
    const member = await addOperator(t, ws, "analyst");
    const other = await login(t.app, member.email);
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/me/password",
      headers: { cookie: member.cookie },
      payload: { currentPassword: TEST_PASSWORD, newPassword: "a much longer secret" },
    });
    expect(res.statusCode).toBe(204);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: member.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: other } })).statusCode).toBe(401);
    await expect(login(t.app, member.email)).rejects.toThrow();
    await login(t.app, member.email, "a much longer secret");
  });

  it("an API key cannot use operator-only endpoints", async () => {
    const key = await createApiKey(t, ws, "admin");
    const res = await t.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: key.authorization } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("auth.operator_only");
  });
});

describe("roles", () => {
  it("an auditor reads everything, including the audit log, and changes nothing", async () => {
    const auditor = await addOperator(t, ws, "auditor");
    const headers = { cookie: auditor.cookie };
    for (const path of ["", "/stores", "/operators", "/invitations", "/api-keys", "/audit-log"]) {
      expect((await t.app.inject({ method: "GET", url: `${base()}${path}`, headers })).statusCode, path).toBe(200);
    }
    const create = await t.app.inject({ method: "POST", url: `${base()}/stores`, headers, payload: { code: "AU-1", name: "n", city: "c" } });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.code).toBe("auth.forbidden");
    const key = await t.app.inject({ method: "POST", url: `${base()}/api-keys`, headers, payload: { name: "k", scope: "admin" } });
    expect(key.statusCode).toBe(403);
  });

  it("an analyst cannot see the audit log, operators or keys", async () => {
    const analyst = await addOperator(t, ws, "analyst");
    for (const path of ["/audit-log", "/operators", "/api-keys"]) {
      const res = await t.app.inject({ method: "GET", url: `${base()}${path}`, headers: { cookie: analyst.cookie } });
      expect(res.statusCode, path).toBe(403);
    }
  });

  it("a store manager sees only the stores assigned to them", async () => {
    const mine = await createStore(t, ws, "SM-1");
    const theirs = await createStore(t, ws, "SM-2");
    const manager = await addOperator(t, ws, "store_manager", [mine]);
    const headers = { cookie: manager.cookie };
    const list = await t.app.inject({ method: "GET", url: `${base()}/stores`, headers });
    expect(list.json<{ items: { id: string }[] }>().items.map((s) => s.id)).toEqual([mine]);
    expect((await t.app.inject({ method: "GET", url: `${base()}/stores/${mine}`, headers })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: `${base()}/stores/${theirs}`, headers })).statusCode).toBe(404);
  });

  it("an admin key manages stores but neither operators nor keys", async () => {
    const key = await createApiKey(t, ws, "admin");
    const headers = { authorization: key.authorization };
    const store = await t.app.inject({ method: "POST", url: `${base()}/stores`, headers, payload: { code: "AK-1", name: "Key store", city: "杭州" } });
    expect(store.statusCode).toBe(201);
    const keys = await t.app.inject({ method: "POST", url: `${base()}/api-keys`, headers, payload: { name: "k", scope: "admin" } });
    expect(keys.statusCode).toBe(403);
    // Segment SDKs send the key as the Basic-auth user name: that works too.
    const basic = `Basic ${Buffer.from(`${key.secret}:`).toString("base64")}`;
    expect((await t.app.inject({ method: "GET", url: `${base()}/stores`, headers: { authorization: basic } })).statusCode).toBe(200);
  });

  it("a revoked key is refused at once", async () => {
    const key = await createApiKey(t, ws, "admin");
    await t.app.inject({ method: "DELETE", url: `${base()}/api-keys/${key.id}`, headers: { cookie: ws.ownerCookie } });
    const res = await t.app.inject({ method: "GET", url: `${base()}/stores`, headers: { authorization: key.authorization } });
    expect(res.statusCode).toBe(401);
  });
});

describe("invitations", () => {
  it("an invited person previews, accepts, is logged in, and appears with the invited role", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: `${base()}/invitations`,
      headers: { cookie: ws.ownerCookie },
      payload: { email: "New.Person@Example.com", role: "operator" },
    });
    expect(created.statusCode).toBe(201);
    const { token, acceptUrl } = created.json<{ token: string; acceptUrl: string }>();
    expect(acceptUrl).toBe(`http://siyu.test/invite/${token}`);
    const preview = await t.app.inject({ method: "GET", url: `/api/v1/invitations/${token}` });
    expect(preview.json()).toMatchObject({ email: "new.person@example.com", workspaceName: "Auth brand", role: "operator", operatorExists: false });
    const accepted = await t.app.inject({
      method: "POST",
      url: `/api/v1/invitations/${token}/accept`,
      payload: { name: "New Person", password: "a fine long password" },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().memberships[0]).toMatchObject({ role: "operator", workspace: { id: ws.workspaceId } });
    const again = await t.app.inject({ method: "POST", url: `/api/v1/invitations/${token}/accept`, payload: { name: "x", password: "a fine long password" } });
    expect(again.statusCode).toBe(404);
    const members = await t.app.inject({ method: "GET", url: `${base()}/operators`, headers: { cookie: ws.ownerCookie } });
    expect(members.json<{ items: { email: string; role: string }[] }>().items).toContainEqual(
      expect.objectContaining({ email: "new.person@example.com", role: "operator" }),
    );
  });
});

describe("audit log", () => {
  it("records every mutating admin action with who, what and before/after", async () => {
    const storeId = await createStore(t, ws, "AUD-1");
    await t.app.inject({ method: "PATCH", url: `${base()}/stores/${storeId}`, headers: { cookie: ws.ownerCookie }, payload: { name: "Renamed" } });
    await t.app.inject({ method: "PATCH", url: base(), headers: { cookie: ws.ownerCookie }, payload: { timezone: "Europe/Berlin" } });
    const res = await t.app.inject({ method: "GET", url: `${base()}/audit-log?limit=5`, headers: { cookie: ws.ownerCookie } });
    const [workspaceUpdate, storeUpdate] = res.json<{ items: { action: string; before: unknown; after: unknown; actorName: string }[] }>().items;
    expect(workspaceUpdate).toMatchObject({ action: "workspace.updated", before: { timezone: "Asia/Shanghai" }, after: { timezone: "Europe/Berlin" } });
    expect(storeUpdate).toMatchObject({ action: "store.updated", before: { name: "Store AUD-1" }, after: { name: "Renamed" }, actorName: "Auth brand owner" });
  });

  it("rejects an invalid time zone or currency naming the field", async () => {
    const res = await t.app.inject({ method: "PATCH", url: base(), headers: { cookie: ws.ownerCookie }, payload: { timezone: "Mars/Olympus", currency: "yuan" } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path).sort()).toEqual(["body.currency", "body.timezone"]);
  });
});
