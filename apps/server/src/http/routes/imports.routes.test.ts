import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOperator, buildTestApp, createApiKey, createWorkspace, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Import brand");
});
afterAll(() => t.close());

const url = (kind: string, query = "") => `/api/v1/workspaces/${ws.workspaceId}/imports/${kind}${query}`;

function upload(kind: string, body: string | Buffer, headers: Record<string, string> = { cookie: ws.ownerCookie }, contentType = "text/csv; charset=utf-8", query = "") {
  return t.app.inject({ method: "POST", url: url(kind, query), headers: { ...headers, "content-type": contentType }, payload: body });
}

async function drain() {
  while ((await t.services.projectNextBatch()) > 0);
}

async function customer(q: string) {
  const res = await t.app.inject({ method: "GET", url: `/api/v1/workspaces/${ws.workspaceId}/customers?q=${encodeURIComponent(q)}`, headers: { cookie: ws.ownerCookie } });
  return res.json<{ items: { id: string; name: string | null; orderCount: number; totalSpendMinor: number }[] }>().items[0];
}

async function auditEntries(action: string) {
  const res = await t.app.inject({ method: "GET", url: `/api/v1/workspaces/${ws.workspaceId}/audit-log?action=${action}`, headers: { cookie: ws.ownerCookie } });
  return res.json<{ items: { action: string; actorName: string; summary: string; after: Record<string, unknown> }[] }>().items;
}

describe("CSV import routes", () => {
  it("imports a profiles file sent as text/csv, reports bad rows and writes one audit entry", async () => {
    const csv = "user_id,phone,name,gender\r\nHU-1,13600136000,周杰,男\r\nHU-2,not-a-phone,林,女\r\n";
    const res = await upload("profiles", csv, { cookie: ws.ownerCookie }, "text/csv; charset=utf-8", "?fileName=members.csv");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      kind: "profiles",
      rows: 2,
      accepted: 1,
      duplicates: 0,
      rejected: 1,
      errors: [{ line: 3, field: "phone", reason: "is not a valid phone number" }],
      errorsOmitted: 0,
    });
    const [entry, ...more] = await auditEntries("import.profiles");
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actorName: "Import brand owner",
      summary: "Imported profiles from members.csv: 2 rows, 1 accepted, 0 duplicates, 1 rejected",
    });
    await drain();
    expect(await customer("13600136000")).toMatchObject({ name: "周杰" });

    const again = await upload("profiles", csv);
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 1, rejected: 1 });
    expect(await auditEntries("import.profiles")).toHaveLength(2);
  });

  it("counts an order once when it is imported by CSV and then sent to the orders API", async () => {
    const res = await upload("orders", "order_id,phone,total,ordered_at,store\nWEB-1,13500135000,88.00,2026-11-01 12:30,\n");
    expect(res.json()).toMatchObject({ rows: 1, accepted: 1, duplicates: 0, rejected: 0 });
    const api = await t.app.inject({
      method: "POST",
      url: `/api/v1/workspaces/${ws.workspaceId}/orders`,
      headers: { cookie: ws.ownerCookie },
      payload: { orderId: "WEB-1", customer: { phone: "13500135000" }, total: 88 },
    });
    expect(api.statusCode, api.body).toBe(200);
    expect(api.json()).toEqual({ orderId: "WEB-1", duplicate: true });
    await drain();
    expect(await customer("13500135000")).toMatchObject({ orderCount: 1, totalSpendMinor: 8800 });
    expect(await auditEntries("import.orders")).toEqual([expect.objectContaining({ summary: "Imported orders: 1 rows, 1 accepted, 0 duplicates, 0 rejected" })]);
  });

  it("refuses a row with a NUL character (U+0000) in a cell, naming line and column, and imports the others", async () => {
    const profiles = await upload("profiles", "user_id,phone,name,gender\r\nNU-1,13600136010,周\u0000杰,男\r\nNU-2,13600136011,林,女\r\n");
    expect(profiles.json()).toMatchObject({ rows: 2, accepted: 1, rejected: 1, errors: [{ line: 2, field: "name", reason: "contains the NUL character (U+0000), which cannot be stored" }] });
    const orders = await upload("orders", "order_id,user_id,total,currency,ordered_at\r\nNO-1,NU-2,30,CNY,2026-11-01T10:00:00+08:00\r\nNO-\u00002,NU-2,30,CNY,2026-11-01T10:00:00+08:00\r\n");
    expect(orders.json()).toMatchObject({ rows: 2, accepted: 1, rejected: 1, errors: [{ line: 3, field: "order_id", reason: "contains the NUL character (U+0000), which cannot be stored" }] });
    const header = await upload("profiles", "user_id,na\u0000me\r\nNU-3,x\r\n");
    expect(header.statusCode).toBe(400);
    expect(header.json().error).toMatchObject({ code: "imports.bad_header", message: "The header (line 1) cannot be read: column 2 contains the NUL character (U+0000), which cannot be stored." });
    await drain();
    expect(await customer("13600136011")).toMatchObject({ name: "林", orderCount: 1 });
  });

  it("answers 400 naming the missing column, in the one error shape", async () => {
    const res = await upload("orders", "order_id,phone,ordered_at\nX-1,13500135000,2026-11-01\n");
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: "imports.missing_column", message: "The header (line 1) has no total column: an orders file needs it.", details: [{ path: "total", message: "an orders file needs it" }] },
    });
  });

  it("checks the permission of each kind: analysts import nothing, operators only profiles, admin keys both", async () => {
    const analyst = await addOperator(t, ws, "analyst");
    const operator = await addOperator(t, ws, "operator");
    const key = await createApiKey(t, ws, "admin");
    const profiles = "phone\n13300133000\n";
    const orders = "order_id,phone,total,ordered_at\nPERM-1,13300133000,1,2026-11-01\n";
    for (const [kind, body] of [["profiles", profiles], ["orders", orders]] as const) {
      const res = await upload(kind, body, { cookie: analyst.cookie });
      expect(res.statusCode, kind).toBe(403);
      expect(res.json().error.code).toBe("auth.forbidden");
    }
    expect((await upload("profiles", profiles, { cookie: operator.cookie })).statusCode).toBe(200);
    expect((await upload("orders", orders, { cookie: operator.cookie })).statusCode).toBe(403);
    expect((await upload("orders", orders, { authorization: key.authorization })).json()).toMatchObject({ accepted: 1 });
  });

  it("reads GB18030 files, bodies without a content type, and files larger than the JSON body limit", async () => {
    const gbk = Buffer.from([...Buffer.from("phone,name\n13200132000,"), 0xc0, 0xee, 0xc4, 0xc8, 0x0a]); // 李娜 in GB18030
    expect((await upload("profiles", gbk, { cookie: ws.ownerCookie }, "text/csv; charset=gbk")).json()).toMatchObject({ accepted: 1 });
    await drain();
    expect(await customer("13200132000")).toMatchObject({ name: "李娜" });

    const bare = await t.app.inject({ method: "POST", url: url("profiles"), headers: { cookie: ws.ownerCookie }, payload: "phone\n13100131000\n" });
    expect(bare.json()).toMatchObject({ accepted: 1 });

    // The test server's JSON limit is 1 MB; imports have their own.
    const big = `phone,note\n13000130000,${"x".repeat(1_200_000)}\n13000130001,ok\n`;
    const res = await upload("profiles", big);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows: 2, accepted: 1, errors: [{ line: 2, field: "note", reason: "is longer than 1000 characters" }] });
  });

  it("refuses a multipart form and an unknown charset with 415", async () => {
    const form = await upload("profiles", "--b\r\nContent-Disposition: form-data; name=file\r\n\r\nphone\r\n--b--\r\n", { cookie: ws.ownerCookie }, "multipart/form-data; boundary=b");
    expect(form.statusCode).toBe(415);
    expect(form.json().error.code).toBe("imports.unsupported_media_type");
    const latin = await upload("profiles", "phone\n1\n", { cookie: ws.ownerCookie }, "text/csv; charset=ebcdic");
    expect(latin.statusCode).toBe(415);
  });
});
