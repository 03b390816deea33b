import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCoreServices, systemClock, type CoreServices } from "@siyu/core";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { TEST_ACCESS_SETTINGS } from "../testing/test-app";
import { runMemberTokenCommand } from "./member-token.command";

let database: TestDatabase;
let services: CoreServices;
let workspaceId: string;

beforeAll(async () => {
  database = await openTestDatabase();
  services = createCoreServices({ db: database.db, clock: systemClock, settings: { access: TEST_ACCESS_SETTINGS } });
  workspaceId = (await services.workspaces.create({ name: "CLI brand", timezone: "Asia/Shanghai", currency: "CNY" }, { type: "system", id: null, name: "test" })).id;
  await services.ingest(workspaceId, [{ type: "identify", messageId: "cli-1", userId: "M00042", traits: { phone: "13800138000" } }]);
  while ((await services.projectNextBatch()) > 0);
});
afterAll(() => database?.close());

function capture() {
  let text = "";
  const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  return { stream, text: () => text };
}

async function run(...args: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await runMemberTokenCommand(args, (work) => work(services), { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe("siyu member-token", () => {
  it("prints a token that the member API accepts for that customer", async () => {
    const result = await run("phone:13800138000", "--workspace", workspaceId, "--ttl", "600");
    expect(result.code, result.stderr).toBe(0);
    const token = result.stdout.match(/smt1\.[\w-]+\.[\w-]+/)![0];
    const member = await services.memberTokens.authenticate(workspaceId, token);
    const [owner] = await services.identity.profilesOfIdentifiers(workspaceId, [{ type: "user_id", value: "M00042" }]);
    expect(member.profileId).toBe((owner as { profileId: string }).profileId);
    expect(result.stdout).toContain("X-Siyu-Ingest-Key");
  });

  it("exits 2 with a reason for bad arguments and unknown customers or workspaces", async () => {
    expect((await run()).code).toBe(2);
    expect((await run("M00042", "--workspace", workspaceId)).stderr).toMatch(/<type>:<value>/);
    expect((await run("user_id:M00042", "--workspace", workspaceId, "--ttl", "soon")).code).toBe(2);
    expect((await run("user_id:M00042", "--workspace", workspaceId, "--ttl", "10")).code).toBe(2);
    const unknown = await run("user_id:nobody", "--workspace", workspaceId);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/No customer has user_id nobody/) });
    expect((await run("user_id:M00042", "--workspace", "no-such-brand")).code).toBe(2);
  });
});
