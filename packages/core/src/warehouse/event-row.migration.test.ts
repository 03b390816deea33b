import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { openWarehouse, WAREHOUSE_MIGRATIONS_FOLDER, type Warehouse } from "@siyu/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggedEvent } from "../events";
import { EVENT_COLUMNS, toEventRow } from "./event-row";

// The warehouse migration that read `events.channel` again from the rows' JSON must agree with what
// toEventRow now extracts from the same message, whatever the message held where.

const MIGRATION = readFileSync(join(WAREHOUSE_MIGRATIONS_FOLDER, "20261203100000_marketing_channel.sql"), "utf8");
const WS = "0190a000-0000-7000-8000-000000000001";
const CHANNEL = EVENT_COLUMNS.indexOf("channel");

let warehouse: Warehouse;
beforeAll(async () => {
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterAll(() => warehouse.close());

const value = fc.constantFrom<unknown>(undefined, null, "", "wecom", "sms", "微信", 5, 2.5, true, { a: 1 }, ["x"]);
const holder = (channel: unknown) => fc.option(fc.constant(channel === undefined ? {} : { channel, other: 1 }), { nil: undefined });

function logged(seq: number, payload: Record<string, unknown>): LoggedEvent {
  const ts = new Date("2026-03-01T02:00:00Z");
  return { seq, workspaceId: WS, messageId: `m${seq}`, type: "track", event: "Product Viewed", userId: "u1", anonymousId: null, ts, receivedAt: ts, payload };
}

describe("the marketing-channel warehouse migration", () => {
  it("leaves every loaded row the channel toEventRow reads from its message", async () => {
    const message = fc
      .record({ top: value, context: value, properties: value })
      .chain(({ top, context, properties }) => fc.record({ top: fc.constant(top), context: holder(context), properties: holder(properties) }));
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 30 }), async (messages) => {
        const events = messages.map((m, i) => {
          const payload: Record<string, unknown> = {};
          if (m.top !== undefined) payload.channel = m.top;
          if (m.context) payload.context = m.context;
          if (m.properties) payload.properties = m.properties;
          return logged(i + 1, payload);
        });
        const rows = events.map((e) => toEventRow(e, null));
        // As the loader wrote them before: the top-level channel first.
        const stale = events.map((e, i) => rows[i]!.map((cell, c) => (c === CHANNEL ? (typeof e.payload.channel === "string" ? e.payload.channel : "stale") : cell)));
        const channels = await warehouse.transaction(async (tx) => {
          await tx.run("delete from events");
          await tx.append("events", stale);
          await tx.run(MIGRATION);
          return tx.query<{ seq: bigint; channel: string | null }>("select seq, channel from events order by seq");
        });
        expect(channels.map((r) => r.channel)).toEqual(rows.map((r) => r[CHANNEL]));
      }),
      { numRuns: 60 },
    );
  });
});
