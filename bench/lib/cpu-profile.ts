import { readFileSync } from "node:fs";

/** The parts of a V8 .cpuprofile (node --cpu-prof) that a self-time summary needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /** Self time by function (name + file), largest first. */
  functions: { name: string; where: string; ms: number; share: number }[];
  /** Self time by area: PGlite (Postgres in WASM), zod, JSON, HTTP, GC … */
  areas: { area: string; ms: number; share: number }[];
}

const AREAS: [string, RegExp][] = [
  ["(idle)", /^\(idle\)$/],
  ["(garbage collector)", /^\(garbage collector\)$/],
  ["PGlite / Postgres (WASM)", /pglite|wasm:/i],
  ["zod validation", /\/zod\//],
  ["phone parsing (libphonenumber)", /libphonenumber/],
  ["HTTP (fastify, node:http, undici)", /fastify|find-my-way|node:_http|node:net|light-my-request|avvio|pino/],
  ["drizzle", /drizzle-orm/],
  ["DuckDB", /duckdb/],
  ["node internals", /^node:/],
  ["Siyu code", /\/(packages|apps)\//],
];

function areaOf(name: string, url: string): string {
  const key = url || name;
  for (const [area, pattern] of AREAS) if (pattern.test(key) || pattern.test(name)) return area;
  if (!url) return name.startsWith("(") ? name : "(native / builtins: JSON, RegExp, …)";
  return "other libraries";
}

export function summariseCpuProfile(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const functions = new Map<string, { name: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    const name = frame.functionName || "(anonymous)";
    const where = frame.url ? `${frame.url.replace(/^file:\/\/.*?\/node_modules\//, "").replace(/^file:\/\/.*?\/(packages|apps)\//, "$1/")}:${frame.lineNumber + 1}` : "";
    const key = `${name}@${where}`;
    const f = functions.get(key) ?? { name, where, us: 0 };
    f.us += us;
    functions.set(key, f);
    const area = areaOf(name, frame.url);
    areas.set(area, (areas.get(area) ?? 0) + us);
    total += us;
  }
  const idle = areas.get("(idle)") ?? 0;
  const busy = total - idle;
  return {
    totalMs: total / 1000,
    idleMs: idle / 1000,
    functions: [...functions.values()]
      .filter((f) => f.name !== "(idle)")
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: f.us / busy })),
    areas: [...areas.entries()]
      .filter(([area]) => area !== "(idle)")
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, ms: us / 1000, share: us / busy })),
  };
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const lines = [
    `CPU profile of the server's main thread: ${(summary.totalMs / 1000).toFixed(1)} s sampled, ${(summary.idleMs / 1000).toFixed(1)} s idle.`,
    "Busy time by area:",
    ...summary.areas.map((a) => `  ${pct(a.share).padStart(7)}  ${(a.ms / 1000).toFixed(1).padStart(7)} s  ${a.area}`),
    "Top functions by self time:",
    ...summary.functions.map((f) => `  ${pct(f.share).padStart(7)}  ${(f.ms / 1000).toFixed(2).padStart(7)} s  ${f.name}  ${f.where}`),
  ];
  return lines.join("\n");
}
