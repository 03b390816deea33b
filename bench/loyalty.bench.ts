/**
 * Loyalty benchmark: points awards and coupon redemptions per second, with per-call latency, next to
 * the raw INSERT rate of the same database (the ceiling).
 *
 * Setup: a workspace with N members (profiles inserted set-based), H points awards per member already
 * in the ledger (--history, through points.award: every member has an account, entries and buckets),
 * a fixed-amount coupon template and K coupons per member issued through the bulk issue job
 * (createIssueJob + runIssueBatch, what the worker does). Then, for each --in-flight value F, each
 * phase for D seconds with C clients, each keeping F calls in flight (F loops per client, each
 * awaiting one call at a time):
 *
 *   insert       the ceiling: single-row INSERTs of a ledger-like row (uuid, workspace, profile,
 *                amount, jsonb) into a scratch table, each its own (autocommit) transaction
 *   awards       points.award — group-committed: concurrent awards share a transaction — for a
 *                random member, each with its own idempotency key
 *   awards-tx    awardPoints in a transaction of its own per call (what check-ins, tasks and badges
 *                call inside theirs; the path before group commit), for comparison
 *   adjusts      points.adjust: the operator / API path (member resolved, audited), group-committed
 *   redemptions  coupons.redeem against a new order id, each coupon once, group-committed (the phase
 *                stops early when the coupons run out)
 *
 *   npm run bench:loyalty -- --members 10000 --clients 8 --in-flight 1,16 --seconds 10 [--coupons-per-member 3]
 *     [--history 5] [--phases insert,awards,adjusts,redemptions] [--statements] [--in-memory] [--cold-statistics]
 *     [--max-batch 500] [--database-url postgres://postgres@127.0.0.1:5432/test]
 *
 * The grouped phases print the transactions (batches) they ran and the calls per batch; with one call
 * in flight per client a batch holds at most C calls (the rest are waiting for their answers), so the
 * rate is bounded by C / batch latency. The default store is embedded PGlite in a data folder in the
 * temporary directory (what `siyu start` uses: <data>/pg), removed afterwards; --in-memory: PGlite
 * with no data folder. With --database-url, a fresh database on that PostgreSQL server (created and
 * dropped again), the pool `siyu start` opens (10 connections). Every phase starts after an ANALYZE, the
 * planner statistics a running store has (autovacuum on a server, the embedded store's maintenance on
 * PGlite) and a database created a minute ago does not; --cold-statistics skips it, to measure that.
 * --statements (PGlite only) times every SQL statement and prints, per phase, statements per call
 * and per batch and where the SQL time goes; it slows the run a little, so take the rates from a run
 * without it. The load generator shares the process (and, on the server, the machine) with the store. */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CreateWorkspaceBody } from "@siyu/contracts";
import {
  awardPoints,
  createCoreServices,
  DEFAULT_ACCESS_SETTINGS,
  DEFAULT_GROUP_COMMIT_SETTINGS,
  newId,
  SYSTEM_ACTOR,
  systemClock,
  systemContext,
  type GroupCommitStats,
} from "@siyu/core";
import { openDatabase, type Db } from "@siyu/storage";
import { sql } from "@siyu/storage/orm";
import { createServerTestDatabase } from "@siyu/storage/testing";
import { formatMachine, machineCpu, machineInfo } from "./lib/machine";
import { timeStatements } from "./lib/statement-timer";

const { values: args } = parseArgs({
  options: {
    members: { type: "string", default: "10000" },
    clients: { type: "string", default: "8" },
    seconds: { type: "string", default: "10" },
    "coupons-per-member": { type: "string", default: "3" },
    phases: { type: "string", default: "insert,awards,adjusts,redemptions" },
    /** Calls each client keeps in flight; a comma list runs every phase once per value. */
    "in-flight": { type: "string", default: "1" },
    /** The group committer's largest batch (DEFAULT_GROUP_COMMIT_SETTINGS.maxBatch unless given). */
    "max-batch": { type: "string" },
    /** Group-commit batches that may run at once (SIYU_GROUP_COMMIT_LANES; 1 on PGlite whatever is given). */
    lanes: { type: "string", default: "2" },
    statements: { type: "boolean", default: false },
    /** PGlite in memory instead of a data folder (no file writes at commit). */
    "in-memory": { type: "boolean", default: false },
    /** Points awards per member in the ledger before the phases. */
    history: { type: "string", default: "5" },
    /** No ANALYZE before each phase: the plans of a database whose statistics have not caught up yet. */
    "cold-statistics": { type: "boolean", default: false },
    "database-url": { type: "string" },
  },
});
const MEMBERS = Number(args.members);
const CLIENTS = Number(args.clients);
const SECONDS = Number(args.seconds);
const COUPONS_PER_MEMBER = Number(args["coupons-per-member"]);
const HISTORY = Number(args.history);
const PHASES = args.phases.split(",").map((p) => p.trim());
const IN_FLIGHT = args["in-flight"].split(",").map((n) => Number(n.trim()));
const MAX_BATCH = args["max-batch"] ? Number(args["max-batch"]) : DEFAULT_GROUP_COMMIT_SETTINGS.maxBatch;
const SERVER_URL = args["database-url"];
const LANES = SERVER_URL ? Number(args.lanes) : 1;
const TARGET = SERVER_URL ? 15_000 : 3_000;
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const log = (line: string) => console.log(line);
const load = () => loadavg().map((l) => l.toFixed(2)).join(" / ");

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function rowsOf<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

interface PhaseResult {
  name: string;
  inFlight: number;
  ops: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  note: string;
  /** CPU this process (the clients, the services' JavaScript and, on PGlite, the database) used, in cores. */
  processCores: number;
  /** How busy the whole machine was (every process, the CI run's included), 0–1. */
  machineBusy: number;
  /** Transactions the group committer ran in the phase (null: not a grouped phase). */
  batches: number | null;
  fallbacks: number;
  /** SQL statements run in the phase (--statements only). */
  statements: number | null;
  /** WAL the server wrote during the phase, in bytes (the whole cluster's; null on PGlite). */
  walBytes: number | null;
}

/**
 * C clients, each keeping F calls in flight (F loops awaiting one call at a time), until D seconds are
 * up or `op` returns false (nothing left to do). Latency is per call, from its start to its answer.
 */
async function runPhase(name: string, inFlight: number, op: () => Promise<boolean>): Promise<Omit<PhaseResult, "batches" | "fallbacks" | "statements" | "walBytes">> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown = null;
  let ranOut = false;
  const cpu0 = process.cpuUsage();
  const machine0 = machineCpu();
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS * inFlight }, async () => {
      while (performance.now() < deadline && !ranOut) {
        const t = performance.now();
        try {
          if (!(await op())) {
            ranOut = true;
            break;
          }
          latencies.push(performance.now() - t);
        } catch (error) {
          errors += 1;
          firstError ??= error;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const machine1 = machineCpu();
  if (firstError) console.error(`${name}: ${errors} call(s) failed; the first: ${(firstError as Error).stack ?? String(firstError)}`);
  latencies.sort((a, b) => a - b);
  return {
    name,
    inFlight,
    ops: latencies.length,
    errors,
    seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    note: ranOut ? "ran out of coupons before the time was up" : "",
    processCores: (cpu.user + cpu.system) / 1e6 / seconds,
    machineBusy: (machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total),
  };
}

async function main() {
  log(`Machine: ${formatMachine(machineInfo())}`);
  log(`Date: ${new Date().toISOString()}; load average (1 / 5 / 15 min) at start: ${load()}`);
  const workDir = mkdtempSync(join(tmpdir(), "siyu-bench-loyalty-"));
  const target = SERVER_URL ? await createServerTestDatabase(SERVER_URL) : null;
  const timer = !target && args.statements ? timeStatements() : null;
  timer?.pause();
  const database = target
    ? await openDatabase({ kind: "postgres", url: target.url })
    : await openDatabase({ kind: "pglite", dataDir: args["in-memory"] ? null : join(workDir, "data") });
  log(
    `Store: ${target ? `PostgreSQL server (fresh database ${new URL(target.url).pathname.slice(1)}, pool of 10)` : args["in-memory"] ? "embedded PGlite in memory" : `embedded PGlite in ${join(workDir, "data")}`}; ` +
      `${fmt(MEMBERS)} members, ${CLIENTS} clients × ${IN_FLIGHT.join(" / ")} in flight, ${SECONDS} s per phase, group commit up to ${fmt(MAX_BATCH)} calls per transaction in ${LANES} lane${LANES === 1 ? "" : "s"}; target ${fmt(TARGET)}/s.`,
  );
  try {
    const t0 = performance.now();
    await database.migrate();
    const db = database.db;
    const services = createCoreServices({ db, clock: systemClock, settings: { access: DEFAULT_ACCESS_SETTINGS, groupCommit: { maxBatch: MAX_BATCH, lanes: LANES } } });
    const workspaceId = (await services.workspaces.create(CreateWorkspaceBody.parse({ name: "Loyalty bench" }), SYSTEM_ACTOR)).id;
    const ctx = systemContext(workspaceId);

    // Members, set-based.
    await db.execute(sql`
      insert into profiles (id, workspace_id, traits, created_at, updated_at)
      select gen_random_uuid(), ${workspaceId}::uuid, jsonb_build_object('n', g), now(), now() from generate_series(1, ${MEMBERS}) g`);
    const members = (await rowsOf<{ id: string }>(db, sql`select id from profiles where workspace_id = ${workspaceId}::uuid`)).map((r) => r.id);
    log(`Setup: migrated, ${fmt(members.length)} members in ${fmt((performance.now() - t0) / 1000, 1)} s.`);

    // The ledger's history: H awards per member through the group-committed path, 2,000 in flight.
    if (HISTORY > 0) {
      const th = performance.now();
      const keys = members.flatMap((m) => Array.from({ length: HISTORY }, (_, h) => [m, `bench-history-${h}-${m}`] as const));
      for (let from = 0; from < keys.length; from += 2_000) {
        await Promise.all(keys.slice(from, from + 2_000).map(([m, key]) => services.points.award(ctx, m, { points: 10, source: "bench", reason: "history", idempotencyKey: key })));
      }
      log(`Setup: ${fmt(keys.length)} points awards of history (${HISTORY} per member) in ${fmt((performance.now() - th) / 1000, 1)} s.`);
    }

    // Coupons: K bulk issue jobs of one coupon per member, run in the worker's batches.
    let codes: string[] = [];
    if (PHASES.includes("redemptions")) {
      const t1 = performance.now();
      const template = await services.coupons.createTemplate(ctx, {
        name: "Bench ¥5 off",
        kind: "fixed",
        amountMinor: 500,
        validity: { kind: "relative", days: 30 },
        totalStock: MEMBERS * COUPONS_PER_MEMBER,
        perMemberLimit: null,
      });
      for (let k = 0; k < COUPONS_PER_MEMBER; k++) {
        for (let from = 0; from < members.length; from += 100_000) {
          await services.coupons.createIssueJob(ctx, template.id, { profileIds: members.slice(from, from + 100_000), idempotencyKey: `bench-issue-${k}-${from}` });
        }
      }
      while ((await services.coupons.runIssueBatch(5_000)) > 0);
      codes = (await rowsOf<{ code: string }>(db, sql`select code from coupons where workspace_id = ${workspaceId}::uuid and status = 'available' order by random()`)).map((r) => r.code);
      const ms = performance.now() - t1;
      log(`Setup: ${fmt(codes.length)} coupons issued by bulk issue jobs (batches of 5,000) in ${fmt(ms / 1000, 1)} s = ${fmt(codes.length / (ms / 1000))}/s.`);
    }

    // The ceiling's scratch table: a ledger-like row.
    await db.execute(sql`create table bench_insert_ceiling (id uuid primary key, workspace_id uuid not null, profile_id uuid not null,
      amount bigint not null, metadata jsonb not null, created_at timestamptz not null default now())`);

    const runId = Date.now().toString(36);
    const randomMember = () => members[Math.floor(Math.random() * members.length)]!;
    let n = 0;
    const phases: Record<string, () => Promise<boolean>> = {
      insert: async () => {
        await db.execute(sql`insert into bench_insert_ceiling (id, workspace_id, profile_id, amount, metadata)
          values (${newId()}::uuid, ${workspaceId}::uuid, ${randomMember()}::uuid, 10, ${JSON.stringify({ source: "bench", reason: "ceiling" })}::jsonb)`);
        return true;
      },
      awards: async () => {
        await services.points.award(ctx, randomMember(), { points: 10, source: "bench", reason: "bench award", idempotencyKey: `bench-award-${runId}-${++n}` });
        return true;
      },
      "awards-tx": async () => {
        const key = `bench-award-tx-${runId}-${++n}`;
        const profileId = randomMember();
        await db.transaction((tx) => awardPoints(tx, { workspaceId, profileId, points: 10, source: "bench", reason: "bench award", idempotencyKey: key }, systemClock.now()));
        return true;
      },
      adjusts: async () => {
        await services.points.adjust(ctx, randomMember(), { delta: 10, reason: "bench adjust", idempotencyKey: `bench-adjust-${runId}-${++n}` });
        return true;
      },
      redemptions: async () => {
        const code = codes.pop();
        if (code === undefined) return false;
        const result = await services.coupons.redeem(ctx, { code, orderId: `bench-order-${runId}-${++n}`, orderTotalMinor: 10_000 });
        if (result.replayed || result.discountMinor !== 500) throw new Error(`unexpected redemption ${JSON.stringify(result)}`);
        return true;
      },
    };
    const grouped: Record<string, () => GroupCommitStats> = {
      awards: () => services.points.groupCommitStats(),
      adjusts: () => services.points.groupCommitStats(),
      redemptions: () => services.coupons.redemptionStats(),
    };

    const results: PhaseResult[] = [];
    for (const inFlight of IN_FLIGHT) {
      for (const name of PHASES) {
        const op = phases[name];
        if (!op) throw new Error(`unknown phase "${name}" (insert, awards, awards-tx, adjusts, redemptions)`);
        if (!args["cold-statistics"]) await db.execute(sql`analyze`);
        // On the server, the phase's WAL: from a checkpoint (so each phase pays its own full-page images), position to position.
        if (SERVER_URL) await db.execute(sql`checkpoint`);
        const wal0 = SERVER_URL ? (await rowsOf<{ lsn: string }>(db, sql`select pg_current_wal_lsn()::text as lsn`))[0]!.lsn : null;
        const before = grouped[name]?.();
        timer?.reset();
        timer?.resume();
        const run = await runPhase(name, inFlight, op);
        timer?.pause();
        const after = grouped[name]?.();
        const walBytes = wal0 ? Number((await rowsOf<{ bytes: string }>(db, sql`select pg_wal_lsn_diff(pg_current_wal_lsn(), ${wal0}::pg_lsn)::text as bytes`))[0]!.bytes) : null;
        const r: PhaseResult = {
          ...run,
          batches: before && after ? after.batches - before.batches : null,
          fallbacks: before && after ? after.fallbacks - before.fallbacks : 0,
          statements: timer ? timer.totalCalls() : null,
          walBytes,
        };
        results.push(r);
        const perBatch = r.batches ? `; ${fmt(r.batches)} transactions, ${fmt(r.ops / r.batches, 1)} calls each${r.fallbacks ? `, ${r.fallbacks} fell back (${after!.lastFallback})` : ""}` : "";
        log(
          `${name} (${CLIENTS} × ${inFlight} in flight): ${fmt(r.ops)} calls in ${fmt(r.seconds, 1)} s = ${fmt(r.ops / r.seconds)}/s; p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms, max ${fmt(r.max, 1)} ms${perBatch}; ` +
            `this process ${fmt(r.processCores, 2)} cores, machine ${fmt(r.machineBusy * 100)} % busy` +
            `${r.walBytes !== null ? `; WAL ${fmt(r.walBytes / Math.max(1, r.ops))} bytes per call` : ""}${r.errors ? `; ${r.errors} failed` : ""}${r.note ? ` (${r.note})` : ""}`,
        );
        if (timer) {
          const sqlMs = timer.totalMs();
          const statements = r.statements!;
          log(
            `  ${fmt(statements / Math.max(1, r.ops), 2)} statements per call${r.batches ? `, ${fmt(statements / r.batches, 1)} per transaction` : ""}; ` +
              `SQL ${fmt(sqlMs / 1000, 1)} s of ${fmt(r.seconds, 1)} s (${fmt((sqlMs / (r.seconds * 1000)) * 100)} %). Statements (share of SQL time, time, calls, text):`,
          );
          log(timer.report(12));
        }
      }
    }

    // What the phases wrote, checked: every award an entry, every redemption a redeemed coupon.
    const [check] = await rowsOf<{ entries: number; redeemed: number; inserted: number }>(
      db,
      sql`select (select count(*)::int from points_entries where workspace_id = ${workspaceId}::uuid) as entries,
            (select count(*)::int from coupons where workspace_id = ${workspaceId}::uuid and status = 'redeemed') as redeemed,
            (select count(*)::int from bench_insert_ceiling) as inserted`,
    );
    const done = (name: string) => results.filter((r) => r.name === name).reduce((s, r) => s + r.ops, 0);
    log(
      `Check: ${fmt(check!.entries)} points entries (history + awards + adjusts: ${fmt(members.length * HISTORY + done("awards") + done("awards-tx") + done("adjusts"))}), ` +
        `${fmt(check!.redeemed)} coupons redeemed (${fmt(done("redemptions"))}), ${fmt(check!.inserted)} rows inserted (${fmt(done("insert"))}).`,
    );

    log(`\n| ${target ? "PostgreSQL server" : "PGlite"}, ${CLIENTS} clients | in flight | calls/s | p50 ms | p99 ms | max ms | calls per transaction | vs target ${fmt(TARGET)}/s | vs raw INSERT |`);
    log("|---|---|---|---|---|---|---|---|---|");
    for (const r of results) {
      const rate = r.ops / r.seconds;
      const ceiling = results.find((c) => c.name === "insert" && c.inFlight === r.inFlight);
      const vsTarget = r.name === "insert" ? "–" : `${fmt((rate / TARGET) * 100)} %`;
      const vsCeiling = ceiling && r !== ceiling ? `${fmt((rate / (ceiling.ops / ceiling.seconds)) * 100)} %` : "–";
      const perBatch = r.batches ? fmt(r.ops / r.batches, 1) : r.name === "insert" ? "1 (autocommit)" : "1";
      log(`| ${r.name} | ${r.inFlight} | ${fmt(rate)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.max, 1)} | ${perBatch} | ${vsTarget} | ${vsCeiling} |`);
    }
  } finally {
    await database.close();
    await target?.drop();
    timer?.restore();
    rmSync(workDir, { recursive: true, force: true });
    log(`\nLoad average at end: ${load()}; ${new Date().toISOString()}`);
  }
}

await main();
