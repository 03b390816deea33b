/**
 * End-to-end ingestion benchmark: a real Siyu server in a child process, several
 * HTTP clients on loopback sending Segment batches to /v1/batch, and the figures
 * that matter to a brand: durable events per second (2xx = in the log), request
 * latency, how long until every profile reflects every event (the projector has
 * caught up) and until the events are queryable in the DuckDB warehouse, the
 * server's peak memory — and, as the ceiling, how fast this machine merely
 * JSON.parses the same request bodies.
 *
 *   npm run bench:ingest -- --events 1000000                       # embedded PGlite store
 *   npm run bench:ingest -- --events 1000000 --database-url postgres://postgres@127.0.0.1:5432/test
 *
 * See docs/benchmarks.md for every option.
 */
import { fork } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createServerTestDatabase } from "@siyu/storage/testing";
import { formatProfileSummary, summariseCpuProfile } from "./lib/cpu-profile";
import { cpuSecondsOf, formatMachine, machineCpu, machineInfo, memoryOf } from "./lib/machine";
import { createEventGenerator, loadTaobaoBehaviour } from "./lib/segment-events";
import type { ChildMessage, ParentMessage } from "./lib/server-child";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    batch: { type: "string", default: "1000" },
    clients: { type: "string", default: "4" },
    users: { type: "string", default: "100000" },
    "database-url": { type: "string" },
    "data-dir": { type: "string" },
    "max-seconds": { type: "string", default: "0" },
    "catch-up-seconds": { type: "string", default: "3600" },
    "parse-seconds": { type: "string", default: "3" },
    seed: { type: "string", default: "20261123" },
    synthetic: { type: "boolean", default: false },
    "cpu-prof": { type: "boolean", default: false },
    statements: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    json: { type: "string" },
  },
});

const TOTAL = Number(args.events);
const BATCH = Number(args.batch);
const CLIENTS = Number(args.clients);
const USERS = Number(args.users);
const MAX_SECONDS = Number(args["max-seconds"]);
const CATCH_UP_SECONDS = Number(args["catch-up-seconds"]);
const SAMPLE_BYTES = 64 * 1024 * 1024;

const here = fileURLToPath(new URL(".", import.meta.url));
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const log = (line: string) => console.log(line);

interface Sample {
  atS: number;
  answeredS: number;
  accepted: number;
  lastSeq: number;
  projector: number;
  /** The slowest of the projector's followers (journeys, loyalty orders, tasks and activities). */
  followers: number;
  warehouse: number | null;
  rssMiB: number;
}

async function main() {
  const machine = machineInfo();
  log(`Machine: ${formatMachine(machine)}`);
  const serverUrl = args["database-url"];
  const store = serverUrl ? "PostgreSQL server" : "embedded PGlite";
  const workDir = mkdtempSync(join(tmpdir(), "siyu-bench-"));
  const dataDir = args["data-dir"] ?? join(workDir, "data");
  const target = serverUrl ? await createServerTestDatabase(serverUrl) : null;
  const profileDir = join(workDir, "cpu-profile");
  log(`Store: ${store}${target ? ` (fresh database ${new URL(target.url).pathname.slice(1)})` : ` in ${dataDir}`}; ` +
      `${fmt(TOTAL)} events in batches of ${fmt(BATCH)} from ${CLIENTS} clients, ${fmt(USERS)} members.`);

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/^(SIYU_|DATABASE_URL$|PORT$|HOST$)/.test(name)) delete env[name];
  Object.assign(env, {
    SIYU_DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    SIYU_DEMO: "false",
    SIYU_LOG_LEVEL: "warn",
    SIYU_RATE_LIMIT_PER_KEY: "1000000000",
    SIYU_RATE_LIMIT_PER_IP: "1000000000",
    SIYU_INGEST_BODY_LIMIT_BYTES: String(64 * 1024 * 1024),
    ...(target ? { DATABASE_URL: target.url } : {}),
    ...(args.statements ? { SIYU_BENCH_STATEMENTS: "1" } : {}),
  });
  const child = fork(join(here, "lib/server-child.ts"), [], {
    env,
    execArgv: ["--import", "tsx", ...(args["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? `exit ${code}`)));
  let stopping = false;
  let nextId = 1;
  const waiting = new Map<number, (message: ChildMessage) => void>();
  let ready: (message: Extract<ChildMessage, { type: "ready" }>) => void = () => {};
  const readyMessage = new Promise<Extract<ChildMessage, { type: "ready" }>>((resolve) => (ready = resolve));
  let statementReport: Extract<ChildMessage, { type: "statements" }> | null = null;
  child.on("message", (message: ChildMessage) => {
    if (message.type === "ready") ready(message);
    else if (message.type === "statements") statementReport = message;
    else if (message.type === "failed") {
      console.error(`The server failed:\n${message.error}`);
      process.exit(1);
    } else waiting.get(message.id)?.(message);
  });
  void exited.then((how) => {
    if (!stopping) {
      console.error(`The server exited unexpectedly (${how}).`);
      process.exit(1);
    }
  });
  const ask = <T extends ChildMessage>(message: ParentMessage & { id: number }) =>
    new Promise<T>((resolve) => {
      waiting.set(message.id, (answer) => {
        waiting.delete(message.id);
        resolve(answer as T);
      });
      child.send(message);
    });
  const progress = () => ask<Extract<ChildMessage, { type: "progress" }>>({ type: "progress", id: nextId++ });

  const { url, secret, startMs } = await readyMessage;
  log(`Server pid ${child.pid} ready at ${url} after ${fmt(startMs)} ms.`);

  const behaviour = args.synthetic ? null : loadTaobaoBehaviour();
  log(behaviour ? `Track behaviour replayed from the Taobao UserBehavior slice (${fmt(behaviour.length)} rows).` : "Synthetic behaviour (no dataset).");
  const generator = createEventGenerator({ users: USERS, seed: Number(args.seed), runId: `b${Date.now().toString(36)}`, behaviour });
  const authorization = `Basic ${Buffer.from(`${secret}:`).toString("base64")}`;

  // ---- ingestion ------------------------------------------------------------
  const latencies: number[] = [];
  const samples: string[] = [];
  let sampledBytes = 0;
  let bodyBytes = 0;
  let reserved = 0;
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  let failedRequests = 0;
  let stopSending = false;
  const cpuAtStart = cpuSecondsOf(child.pid!) ?? 0;
  const machineAtStart = machineCpu();
  const clientCpuAtStart = process.cpuUsage();
  const t0 = performance.now();
  const elapsedS = () => (performance.now() - t0) / 1000;
  if (MAX_SECONDS > 0) setTimeout(() => (stopSending = true), MAX_SECONDS * 1000).unref();

  const timeline: Sample[] = [];
  let lastPrinted = 0;
  async function sample() {
    // On PGlite the answer waits for the transaction in progress: the figures are those of when it was asked.
    const [atS, acceptedThen] = [elapsedS(), accepted];
    const p = await progress();
    const memory = memoryOf(child.pid!);
    const s: Sample = { atS, answeredS: elapsedS(), accepted: acceptedThen, lastSeq: p.lastSeq, projector: p.projector, followers: p.followers, warehouse: p.warehouse, rssMiB: memory?.rssMiB ?? 0 };
    timeline.push(s);
    if (s.atS - lastPrinted >= 10) {
      const previous = timeline.findLast((x) => x.atS <= s.atS - 5) ?? timeline[0]!;
      const rate = (s.accepted - previous.accepted) / Math.max(0.001, s.atS - previous.atS);
      const projRate = (s.projector - previous.projector) / Math.max(0.001, s.atS - previous.atS);
      log(
        `[${fmt(s.atS).padStart(5)} s] accepted ${fmt(s.accepted)} (${fmt(rate)}/s) · projector at ${fmt(s.projector)} (${fmt(projRate)}/s, ` +
          `lag ${fmt(s.lastSeq - s.projector)}) · followers at ${fmt(s.followers)}${s.warehouse !== null ? ` · warehouse at ${fmt(s.warehouse)}` : ""} · server RSS ${fmt(s.rssMiB)} MiB`,
      );
      lastPrinted = s.atS;
    }
    return s;
  }
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })();

  async function client() {
    while (!stopSending && reserved < TOTAL) {
      const n = Math.min(BATCH, TOTAL - reserved);
      reserved += n;
      const body = JSON.stringify({ batch: generator.next(n), sentAt: new Date().toISOString() });
      bodyBytes += body.length;
      if (sampledBytes < SAMPLE_BYTES) {
        samples.push(body);
        sampledBytes += body.length;
      }
      for (let attempt = 1; ; attempt++) {
        const started = performance.now();
        const res = await fetch(`${url}/v1/batch`, {
          method: "POST",
          headers: { authorization, "content-type": "application/json" },
          body,
        }).catch((error: unknown) => error as Error);
        if (res instanceof Error || !res.ok) {
          failedRequests += 1;
          const detail = res instanceof Error ? String(res.cause ?? res) : `${res.status} ${await res.text()}`;
          if (attempt >= 5) throw new Error(`A batch failed 5 times; last: ${detail}`);
          console.error(`request failed (${detail}); retrying`);
          continue;
        }
        const result = (await res.json()) as { accepted: number; duplicates: number; errors: unknown[] };
        latencies.push(performance.now() - started);
        accepted += result.accepted;
        duplicates += result.duplicates;
        rejected += result.errors.length;
        break;
      }
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const ingestS = elapsedS();
  const serverCpuIngest = (cpuSecondsOf(child.pid!) ?? 0) - cpuAtStart;
  const clientCpu = process.cpuUsage(clientCpuAtStart);
  const machineIngest = machineCpu();
  log(`Ingestion done: ${fmt(accepted)} accepted in ${fmt(ingestS, 1)} s.`);

  // ---- until profiles (and the warehouse) have every event ------------------
  let projectedS: number | null = null;
  let followedS: number | null = null;
  let queryableS: number | null = null;
  let final = await sample();
  const catchUpDeadline = performance.now() + CATCH_UP_SECONDS * 1000;
  while (performance.now() < catchUpDeadline) {
    final = await sample();
    if (projectedS === null && final.projector >= final.lastSeq) projectedS = final.answeredS;
    if (followedS === null && final.followers >= final.lastSeq) followedS = final.answeredS;
    // A loader that has not moved at all is not running in the worker (measured separately below).
    const loaderRuns = final.warehouse !== null && final.warehouse > 0;
    if (queryableS === null && loaderRuns && final.warehouse! >= final.lastSeq) queryableS = final.answeredS;
    if (projectedS !== null && followedS !== null && (queryableS !== null || !loaderRuns)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  sampling = false;
  await sampler;
  const warehouseWired = final.warehouse !== null && final.warehouse > 0;
  let offlineWarehouse: { events: number; ms: number } | null = null;
  if (!warehouseWired && projectedS !== null) {
    const loaded = await ask<Extract<ChildMessage, { type: "warehouse-loaded" }>>({ type: "load-warehouse", id: nextId++ });
    if (loaded.available) offlineWarehouse = { events: loaded.events, ms: loaded.ms };
  }
  const memory = memoryOf(child.pid!);
  const serverCpuTotal = (cpuSecondsOf(child.pid!) ?? 0) - cpuAtStart;
  stopping = true;
  child.send({ type: "stop" } satisfies ParentMessage);
  const how = await exited;
  if (how !== "exit 0") console.error(`The server stopped with ${how}.`);

  // ---- the ceiling: JSON.parse of the same bodies ---------------------------
  const sampleEvents = samples.reduce((n, body) => n + (JSON.parse(body) as { batch: unknown[] }).batch.length, 0);
  const parseDeadline = performance.now() + Number(args["parse-seconds"]) * 1000;
  const parseStart = performance.now();
  let parsedEvents = 0;
  let parsedBytes = 0;
  while (performance.now() < parseDeadline) {
    for (const body of samples) {
      parsedEvents += (JSON.parse(body) as { batch: unknown[] }).batch.length;
      parsedBytes += body.length;
    }
  }
  const parseS = (performance.now() - parseStart) / 1000;

  // ---- report ----------------------------------------------------------------
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  const machineBusy = (machineIngest.busy - machineAtStart.busy) / Math.max(1, machineIngest.total - machineAtStart.total);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    machine,
    command: `npm run bench:ingest -- ${process.argv.slice(2).join(" ")}`.trim(),
    store,
    events: { requested: TOTAL, sent: reserved, accepted, duplicates, rejected, failedRequests, avgBytes: Math.round(bodyBytes / Math.max(1, reserved)) },
    batch: BATCH,
    clients: CLIENTS,
    users: USERS,
    behaviour: behaviour ? "taobao-userbehavior slice" : "synthetic",
    ingest: { seconds: ingestS, eventsPerSecond: accepted / ingestS, p50Ms: pct(50), p99Ms: pct(99), maxMs: latencies.at(-1) ?? 0 },
    projector: projectedS === null
      ? { caughtUp: false, position: final.projector, lastSeq: final.lastSeq, eventsPerSecond: final.projector / final.answeredS }
      : { caughtUp: true, secondsFromStart: projectedS, secondsAfterIngest: projectedS - ingestS, endToEndEventsPerSecond: accepted / projectedS },
    followers: followedS === null
      ? { caughtUp: false, position: final.followers, lastSeq: final.lastSeq }
      : { caughtUp: true, secondsFromStart: followedS, endToEndEventsPerSecond: accepted / followedS },
    warehouse: warehouseWired
      ? { wired: true, secondsFromStart: queryableS, endToEndEventsPerSecond: queryableS ? accepted / queryableS : null }
      : { wired: false, offlineLoad: offlineWarehouse && { ...offlineWarehouse, eventsPerSecond: offlineWarehouse.events / (offlineWarehouse.ms / 1000) } },
    server: {
      peakRssMiB: memory?.peakMiB ?? null,
      cpuSecondsDuringIngest: serverCpuIngest,
      coresDuringIngest: serverCpuIngest / ingestS,
      cpuSecondsTotal: serverCpuTotal,
    },
    client: { cpuSecondsDuringIngest: (clientCpu.user + clientCpu.system) / 1e6 },
    machineBusyDuringIngest: machineBusy,
    jsonParseCeiling: { eventsPerSecond: parsedEvents / parseS, mbPerSecond: parsedBytes / parseS / 1e6, sampleEvents },
    timeline,
  };

  log("");
  log(`## ${store}: ${fmt(accepted)} events, batches of ${fmt(BATCH)}, ${CLIENTS} clients`);
  log("");
  log("| figure | value |");
  log("|---|---|");
  log(`| durable ingest (2xx) | **${fmt(result.ingest.eventsPerSecond)} events/s** (${fmt(accepted)} in ${fmt(ingestS, 1)} s) |`);
  log(`| request latency p50 / p99 / max | ${fmt(pct(50))} / ${fmt(pct(99))} / ${fmt(result.ingest.maxMs)} ms |`);
  if (result.projector.caughtUp) {
    log(`| profiles updated for every event | ${fmt(projectedS!, 1)} s from the first request (${fmt(projectedS! - ingestS, 1)} s after the last 2xx) → **${fmt(accepted / projectedS!)} events/s end to end** |`);
  } else {
    log(`| profiles updated | NOT caught up after ${fmt(CATCH_UP_SECONDS)} s: projector at ${fmt(final.projector)} of ${fmt(final.lastSeq)} |`);
  }
  if (followedS !== null) log(`| journeys and loyalty up to date for every event | ${fmt(followedS, 1)} s from the first request → ${fmt(accepted / followedS)} events/s end to end |`);
  else log(`| journeys and loyalty | NOT caught up after ${fmt(CATCH_UP_SECONDS)} s: the slowest at ${fmt(final.followers)} of ${fmt(final.lastSeq)} |`);
  if (warehouseWired) log(`| queryable in DuckDB | ${queryableS === null ? "not caught up" : `${fmt(queryableS, 1)} s from the first request`} |`);
  else if (offlineWarehouse) {
    log(`| DuckDB loader (not wired in the worker; run afterwards) | ${fmt(offlineWarehouse.events)} events in ${fmt(offlineWarehouse.ms / 1000, 1)} s = ${fmt(offlineWarehouse.events / (offlineWarehouse.ms / 1000))} events/s |`);
  } else log("| queryable in DuckDB | no warehouse loader in this build |");
  log(`| server peak RSS (VmHWM) | ${fmt(memory?.peakMiB ?? 0)} MiB |`);
  log(`| server CPU during ingest | ${fmt(result.server.coresDuringIngest, 2)} cores (machine ${fmt(machineBusy * 100)} % busy; client ${fmt(result.client.cpuSecondsDuringIngest / ingestS, 2)} cores) |`);
  log(`| avg message size | ${fmt(result.events.avgBytes)} bytes |`);
  log(`| ceiling: JSON.parse of the same bodies | ${fmt(result.jsonParseCeiling.eventsPerSecond)} events/s (${fmt(result.jsonParseCeiling.mbPerSecond)} MB/s, one core) |`);
  if (failedRequests || rejected) log(`| problems | ${failedRequests} failed requests, ${rejected} rejected messages |`);

  if (statementReport) {
    const report: Extract<ChildMessage, { type: "statements" }> = statementReport;
    log("");
    log(`SQL statements of the whole run (embedded store): ${fmt(report.totalMs / 1000, 1)} s in SQL of ${fmt(serverCpuTotal, 1)} s server CPU.`);
    log(report.report);
  }
  if (args["cpu-prof"]) {
    const file = readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile"));
    if (file) {
      log("");
      log(formatProfileSummary(summariseCpuProfile(join(profileDir, file))));
      log(`(profile: ${join(profileDir, file)}; open it in Chrome DevTools → Performance)`);
    }
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(result, null, 2));

  if (!args.keep) {
    await target?.drop();
    if (!args["data-dir"]) rmSync(join(workDir, "data"), { recursive: true, force: true });
    if (!args["cpu-prof"]) rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
