/**
 * Where the time of ingestion goes, without HTTP: the same services the routes
 * call, in this process, on the embedded store. Phase 1 ingests (validation +
 * one append per batch), phase 2 runs the projector until it has caught up. Each
 * phase reports its rate and, on PGlite, the time of every SQL statement and how
 * much was JavaScript (validation, JSON, driver) instead.
 *
 *   npm run bench:pipeline -- --events 100000 --batch 1000 --project-batch 2000
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { normaliseMessage, normaliseIdentifier, extractIdentifiers, DEFAULT_INGEST_SETTINGS, DEFAULT_IDENTITY_SETTINGS } from "@siyu/core";
import { MESSAGE_SCHEMAS } from "@siyu/contracts";
import { startSiyu } from "@siyu/server";
import { sql } from "@siyu/storage/orm";
import { createServerTestDatabase } from "@siyu/storage/testing";
import { formatMachine, machineInfo } from "./lib/machine";
import { createEventGenerator, loadTaobaoBehaviour } from "./lib/segment-events";
import { timeStatements } from "./lib/statement-timer";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "100000" },
    batch: { type: "string", default: "1000" },
    "project-batch": { type: "string", default: "2000" },
    users: { type: "string", default: "100000" },
    "database-url": { type: "string" },
    seed: { type: "string", default: "20261123" },
  },
});
const TOTAL = Number(args.events);
const BATCH = Number(args.batch);
const PROJECT_BATCH = Number(args["project-batch"]);
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

console.log(`Machine: ${formatMachine(machineInfo())}`);
const timer = timeStatements();
timer.pause();
const dataDir = mkdtempSync(join(tmpdir(), "siyu-pipeline-"));
const target = args["database-url"] ? await createServerTestDatabase(args["database-url"]) : null;
const running = await startSiyu({ port: 0, host: "127.0.0.1", dataDir, databaseUrl: target?.url, demo: false, log: false });
await running.siyu.worker.stop(); // this benchmark drives the projector itself
const { services } = running.siyu;
const workspaceId = running.initialOwner!.workspaceId;
const generator = createEventGenerator({ users: Number(args.users), seed: Number(args.seed), runId: "p", behaviour: loadTaobaoBehaviour() });
const store = target ? "PostgreSQL server" : "embedded PGlite";
console.log(`${store}: ${fmt(TOTAL)} events, ingest batches of ${fmt(BATCH)}, projector batches of ${fmt(PROJECT_BATCH)}.`);

// The pure JavaScript part of ingestion, alone: validation (zod), identifiers (phones), sizes.
{
  const sample = generator.next(Math.min(20_000, TOTAL));
  const receivedAt = new Date();
  const started = performance.now();
  for (const raw of sample) {
    const n = normaliseMessage(raw, { receivedAt, settings: DEFAULT_INGEST_SETTINGS });
    if ("event" in n) extractIdentifiers(n.event.payload, DEFAULT_IDENTITY_SETTINGS);
  }
  const ms = performance.now() - started;
  console.log(`\nValidation alone (normaliseMessage + extractIdentifiers): ${fmt(sample.length / (ms / 1000))} events/s on one core, of which:`);
  const time = (label: string, work: (raw: (typeof sample)[number]) => unknown) => {
    const t = performance.now();
    for (const raw of sample) work(raw);
    console.log(`  ${label.padEnd(58)} ${fmt(((performance.now() - t) * 1000) / sample.length, 1).padStart(6)} µs/event`);
  };
  time("normaliseMessage (zod schema, size check, time check)", (raw) => normaliseMessage(raw, { receivedAt, settings: DEFAULT_INGEST_SETTINGS }));
  time("  of which JSON.stringify(message) for the 32 KB check", (raw) => Buffer.byteLength(JSON.stringify(raw)));
  time("  of which the zod schema alone", (raw) => MESSAGE_SCHEMAS[raw.type].safeParse(raw));
  time("extractIdentifiers (user id, anonymous id, phone, …)", (raw) => extractIdentifiers(raw, DEFAULT_IDENTITY_SETTINGS));
  time("  of which normalising the phone (libphonenumber)", (raw) => {
    const phone = (raw.traits as { phone?: string } | undefined)?.phone;
    if (phone) normaliseIdentifier("phone", phone, DEFAULT_IDENTITY_SETTINGS);
  });
}

// Phase 1: ingest.
timer.reset();
timer.resume();
let started = performance.now();
let accepted = 0;
for (let sent = 0; sent < TOTAL; sent += BATCH) {
  const result = await services.ingest(workspaceId, generator.next(Math.min(BATCH, TOTAL - sent)));
  accepted += result.accepted;
}
let ms = performance.now() - started;
timer.pause();
console.log(`\nIngest: ${fmt(accepted)} events in ${fmt(ms / 1000, 1)} s = ${fmt(accepted / (ms / 1000))} events/s.`);
if (!target) {
  console.log(`  SQL ${fmt(timer.totalMs() / 1000, 1)} s (${fmt((timer.totalMs() / ms) * 100)} %), JavaScript ${fmt((ms - timer.totalMs()) / 1000, 1)} s. Statements:`);
  console.log(timer.report(8));
}

// Phase 2: project.
timer.reset();
timer.resume();
started = performance.now();
let projected = 0;
let batches = 0;
const perBatch: number[] = [];
for (;;) {
  const t = performance.now();
  const n = await services.projectNextBatch(PROJECT_BATCH);
  if (n === 0) break;
  perBatch.push(performance.now() - t);
  projected += n;
  batches += 1;
}
ms = performance.now() - started;
timer.pause();
const third = Math.max(1, Math.floor(perBatch.length / 3));
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
console.log(
  `\nProject: ${fmt(projected)} events in ${batches} batches, ${fmt(ms / 1000, 1)} s = ${fmt(projected / (ms / 1000))} events/s ` +
    `(a batch: ${fmt(avg(perBatch.slice(0, third)))} ms in the first third, ${fmt(avg(perBatch.slice(-third)))} ms in the last).`,
);
if (!target) {
  console.log(`  SQL ${fmt(timer.totalMs() / 1000, 1)} s (${fmt((timer.totalMs() / ms) * 100)} %), JavaScript ${fmt((ms - timer.totalMs()) / 1000, 1)} s. Statements:`);
  console.log(timer.report(25));
}

// PGlite runs Postgres in single-user mode: no autovacuum, no autoanalyze (pg_stat_user_tables stays
// empty). What the upserts of a run leave behind: each table's size, and its size once rewritten.
if (!target) {
  const db = running.siyu.database.db;
  const one = async <T>(query: ReturnType<typeof sql>) => ((await db.execute(query)) as unknown as { rows: T[] }).rows[0]!;
  console.log("\nTable sizes after the run, and after VACUUM FULL (no autovacuum on the embedded store):");
  for (const table of ["profiles", "profile_activity", "profile_event_counts", "identity_identifiers", "identity_links", "events_log"]) {
    const before = await one<{ size: string; n: string }>(sql`select pg_total_relation_size(${table}::regclass)::text as size, (select count(*) from ${sql.identifier(table)})::text as n`);
    await db.execute(sql`vacuum full ${sql.identifier(table)}`);
    const after = await one<{ size: string }>(sql`select pg_total_relation_size(${table}::regclass)::text as size`);
    console.log(
      `  ${table.padEnd(22)} ${fmt(Number(before.n)).padStart(9)} rows  ${fmt(Number(before.size) / 2 ** 20, 1).padStart(7)} MiB → ${fmt(Number(after.size) / 2 ** 20, 1).padStart(7)} MiB`,
    );
  }
}

await running.close();
await target?.drop();
rmSync(dataDir, { recursive: true, force: true });
