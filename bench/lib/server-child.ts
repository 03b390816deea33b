/**
 * The server under benchmark, in its own process (so its memory and CPU are its
 * own): exactly what `siyu start` runs — configured from the same environment
 * variables — plus an IPC channel through which the benchmark asks for an ingest
 * key and for progress (the log's last seq, the projector's, its followers' and
 * the warehouse loader's positions). Run with `node --import tsx bench/lib/server-child.ts`.
 */
import {
  consumerPosition,
  JOURNEY_TRIGGERS_CONSUMER,
  lastSeq,
  LOYALTY_ACTIVITIES_CONSUMER,
  LOYALTY_ORDERS_CONSUMER,
  LOYALTY_TASKS_CONSUMER,
  PROFILE_PROJECTOR,
  systemContext,
} from "@siyu/core";
import * as core from "@siyu/core";
import type { Db, Warehouse } from "@siyu/storage";
import { loadConfig, startSiyu } from "@siyu/server";
import { timeStatements } from "./statement-timer";

export type ParentMessage = { type: "progress"; id: number } | { type: "load-warehouse"; id: number } | { type: "stop" };
export type ChildMessage =
  | { type: "ready"; url: string; secret: string; workspaceId: string; startMs: number }
  | { type: "progress"; id: number; lastSeq: number; projector: number; followers: number; warehouse: number | null }
  | { type: "warehouse-loaded"; id: number; events: number; ms: number; available: boolean }
  | { type: "statements"; report: string; totalMs: number }
  | { type: "failed"; error: string };

type DrainWarehouse = (input: { db: Db; warehouse: Warehouse; batchSize?: number }) => Promise<number>;

const send = (message: ChildMessage) => process.send!(message);

/** The consumers behind the projector: journeys and loyalty (points for orders and activities, tasks). */
const FOLLOWERS = [JOURNEY_TRIGGERS_CONSUMER, LOYALTY_ORDERS_CONSUMER, LOYALTY_TASKS_CONSUMER, LOYALTY_ACTIVITIES_CONSUMER];

async function warehousePosition(warehouse: Warehouse): Promise<number | null> {
  try {
    const rows = await warehouse.query<{ position: bigint | number }>("select position from _siyu_warehouse_offsets where consumer = 'warehouse.events'");
    return rows[0] ? Number(rows[0].position) : 0;
  } catch {
    return null; // no warehouse loader in this build
  }
}

// SIYU_BENCH_STATEMENTS=1: time every SQL statement of the embedded store (the report comes at stop).
const statements = process.env.SIYU_BENCH_STATEMENTS ? timeStatements() : null;

async function main() {
  const started = Date.now();
  const running = await startSiyu(loadConfig());
  const { services, database, warehouse } = running.siyu;
  const workspaceId = running.initialOwner?.workspaceId;
  if (!workspaceId) throw new Error("The benchmark needs an empty store (a fresh SIYU_DATA_DIR or database).");
  const { secret } = await services.apiKeys.create(systemContext(workspaceId), { name: "benchmark", scope: "ingest" });
  send({ type: "ready", url: running.url, secret, workspaceId, startMs: Date.now() - started });

  process.on("message", (message: ParentMessage) => {
    void (async () => {
      if (message.type === "progress") {
        const [seq, projector, loaded] = [await lastSeq(database.db), await consumerPosition(database.db, PROFILE_PROJECTOR), await warehousePosition(warehouse)];
        let followers = projector;
        for (const consumer of FOLLOWERS) followers = Math.min(followers, await consumerPosition(database.db, consumer));
        send({ type: "progress", id: message.id, lastSeq: seq, projector, followers, warehouse: loaded });
      } else if (message.type === "load-warehouse") {
        // Only when the worker does not load the warehouse itself: the loader's offline throughput.
        const drain = (core as unknown as { drainWarehouse?: DrainWarehouse }).drainWarehouse;
        if (!drain) {
          send({ type: "warehouse-loaded", id: message.id, events: 0, ms: 0, available: false });
          return;
        }
        const t = performance.now();
        const events = await drain({ db: database.db, warehouse });
        send({ type: "warehouse-loaded", id: message.id, events, ms: performance.now() - t, available: true });
      } else if (message.type === "stop") {
        if (statements) send({ type: "statements", report: statements.report(25), totalMs: statements.totalMs() });
        await running.close();
        // Exits now even if a driver keeps a handle open; --cpu-prof writes its profile on exit.
        process.exit(0);
      }
    })().catch((error: unknown) => send({ type: "failed", error: String((error as Error).stack ?? error) }));
  });
}

main().catch((error: unknown) => {
  send({ type: "failed", error: String((error as Error).stack ?? error) });
  process.exitCode = 1;
  process.disconnect();
});
