/**
 * The points ledger's write alone: a group-committed batch of awards judged (`LedgerBatch`) and written
 * (`writeLedger`) on one connection, without the rest of a batch (member resolution, key lookups,
 * COMMIT) or any other work on the machine — the part a change to the write's SQL or its JSON moves.
 *
 *   npx tsx bench/ledger-write.bench.ts [--batch 142] [--rounds 600] [--members 10000]
 *     [--against ../other-checkout] [--database-url postgres://postgres@127.0.0.1:5432/test]
 *
 * With --against, the other checkout's `LedgerBatch` and `writeLedger` are loaded into the same process
 * and the two trees take turns batch by batch on the same database, so both see the same table sizes and
 * the same machine: on a virtual machine whose speed drifts by the minute (run 41 in RESULTS.md), runs
 * alternated process by process cannot resolve a few per cent; this can. The other checkout must have
 * the same schema. Reports, per tree, the median over the last three quarters of the rounds of the
 * batch's time (judging and the write's round trip) and of this process's CPU for it. Without
 * --database-url: embedded PGlite in memory.
 */
import { performance } from "node:perf_hooks";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { newId } from "@siyu/core";
import { openDatabase } from "@siyu/storage";
import { createServerTestDatabase } from "@siyu/storage/testing";
import type { LedgerBatch } from "../packages/core/src/loyalty/points/points.batch";
import type * as ledgerRows from "../packages/core/src/loyalty/points/points.rows";
import { formatMachine, machineInfo } from "./lib/machine";

const { values: args } = parseArgs({
  options: {
    batch: { type: "string", default: "142" },
    rounds: { type: "string", default: "600" },
    members: { type: "string", default: "10000" },
    against: { type: "string" },
    "database-url": { type: "string" },
  },
});

const BATCH = Number(args.batch);
const ROUNDS = Number(args.rounds);
const DAY = 86_400_000;

interface Tree {
  name: string;
  LedgerBatch: typeof LedgerBatch;
  rows: typeof ledgerRows;
  ms: number[];
  cpuMs: number[];
}

async function loadTree(name: string, root: string): Promise<Tree> {
  const at = (file: string) => resolve(root, "packages/core/src/loyalty/points", file);
  return {
    name,
    LedgerBatch: (await import(at("points.batch.ts"))).LedgerBatch,
    rows: await import(at("points.rows.ts")),
    ms: [],
    cpuMs: [],
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const settled = (xs: number[]) => xs.slice(Math.floor(xs.length / 4));

async function main() {
  const trees = [await loadTree("this tree", resolve(import.meta.dirname, ".."))];
  if (args.against) trees.push(await loadTree(`--against ${args.against}`, resolve(args.against)));
  const target = args["database-url"] ? await createServerTestDatabase(args["database-url"]) : null;
  const database = target ? await openDatabase({ kind: "postgres", url: target.url }) : await openDatabase({ kind: "pglite", dataDir: null });
  try {
    await database.migrate();
    console.log(`Machine: ${formatMachine(machineInfo())}`);
    console.log(`Store: ${target ? "PostgreSQL server" : "PGlite in memory"}; batches of ${BATCH} awards to ${args.members} members, ${ROUNDS} per tree.`);
    const workspaceId = newId();
    const members = Array.from({ length: Number(args.members) }, () => newId());
    for (let round = 0; round < ROUNDS; round++) {
      // The trees take turns, the first one changing every round.
      for (const tree of round % 2 === 0 ? trees : [...trees].reverse()) {
        const now = new Date();
        await database.db.transaction(async (tx) => {
          const picked = Array.from({ length: BATCH }, () => members[Math.floor(Math.random() * members.length)]!);
          const locked = await tree.rows.lockAccounts(tx, workspaceId, picked, now);
          const cpu0 = process.cpuUsage();
          const t0 = performance.now();
          const ledger = new tree.LedgerBatch(workspaceId, now, locked.accounts, new Map());
          for (const profileId of picked) {
            ledger.earn({ profileId, points: 10, kind: "earn", source: "bench", reason: "bench award", idempotencyKey: `bench-${round}-${newId()}`, earnedAt: now, expiresAt: new Date(now.getTime() + 730 * DAY), pendingUntil: null });
          }
          await tree.rows.writeLedger(tx, workspaceId, ledger.writes(), now);
          tree.ms.push(performance.now() - t0);
          const cpu = process.cpuUsage(cpu0);
          tree.cpuMs.push((cpu.user + cpu.system) / 1000);
        });
      }
    }
    for (const tree of trees) {
      console.log(`${tree.name}: judge + write ${median(settled(tree.ms)).toFixed(2)} ms, this process's CPU ${median(settled(tree.cpuMs)).toFixed(2)} ms per batch of ${BATCH}`);
    }
  } finally {
    await database.close();
    await target?.drop();
  }
}

await main();
