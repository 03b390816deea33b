import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { simulateClv } from "@siyu/core";
import { datasetFile } from "@siyu/storage/testing";
import { runClvCommand } from "./clv.command";

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const sink = (append: (s: string) => void) => new Writable({ write: (chunk, _enc, done) => (append(String(chunk)), done()) });
  const code = await runClvCommand(args, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) });
  return { code, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), "siyu-clv-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("siyu clv fit", () => {
  it("prints the published CDNOW parameters as JSON", async (ctx) => {
    const file = datasetFile("cdnow/cdnow_sample.csv");
    if (!file) return ctx.skip();
    const result = await run(["fit", "--csv", file, "--customer", "customer_id", "--date", "date", "--amount", "amount_usd", "--calibration-end", "1997-09-30", "--unit", "week", "--json"]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json.bgnbd)).toEqual(["r", "alpha", "a", "b", "logLikelihood"]);
    expect(Object.keys(json.gammaGamma)).toEqual(["p", "q", "gamma"]);
    expect(json.bgnbd.r).toBeCloseTo(0.243, 3);
    expect(json.bgnbd.alpha).toBeCloseTo(4.414, 3);
    expect(json.bgnbd.a).toBeCloseTo(0.793, 3);
    expect(json.bgnbd.b).toBeCloseTo(2.426, 3);
    expect(json.bgnbd.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(json.gammaGamma.p).toBeCloseTo(6.25, 2);
    expect(json.gammaGamma.q).toBeCloseTo(3.74, 2);
    expect(json.gammaGamma.gamma).toBeCloseTo(15.44, 1);
  });

  it("reads compact dates, merges same-day rows and prints a summary without --json", async () => {
    // 3,000 customers simulated in days; each purchase written as two rows on the same day.
    const truth = { bgNbd: { r: 0.5, alpha: 20, a: 0.8, b: 3 }, gammaGamma: { p: 5, q: 4, gamma: 20 } };
    const customers = simulateClv({ ...truth, customers: 3000, minT: 200, maxT: 500, seed: 7 });
    const start = Date.UTC(2025, 0, 1);
    const end = start + 500 * 86_400_000;
    const compact = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll("-", "");
    const rows = ["cust,when,total"];
    for (const c of customers) {
      const first = end - Math.floor(c.T) * 86_400_000;
      for (const p of c.purchases) {
        const when = compact(first + Math.floor(p.time) * 86_400_000);
        rows.push(`${c.customerId},${when},${(p.value * 0.4).toFixed(4)}`, `${c.customerId},${when},${(p.value * 0.6).toFixed(4)}`);
      }
    }
    const file = join(dir, "compact.csv");
    writeFileSync(file, `${rows.join("\n")}\n`);
    const args = ["fit", "--csv", file, "--customer", "cust", "--date", "when", "--amount", "total", "--date-format", "yyyyMMdd", "--unit", "day"];
    const result = await run(args);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Customers: 3,000 \(\d[\d,]* with a repeat purchase\); calibration end \d{4}-\d{2}-\d{2}; time in days/);
    expect(result.stdout).toMatch(/BG\/NBD: +r = [\d.]+ \(± [\d.]+\), alpha = /);
    expect(result.stdout).toMatch(/Gamma-Gamma: p = [\d.]+ \(± [\d.]+\)/);
    const json = JSON.parse((await run([...args, "--json"])).stdout);
    // Loose: purchase times were rounded down to whole days. The core tests check recovery tightly.
    for (const k of ["r", "alpha", "a", "b"] as const) expect(Math.abs(json.bgnbd[k] / truth.bgNbd[k] - 1)).toBeLessThan(0.35);
    for (const k of ["p", "q", "gamma"] as const) expect(Math.abs(json.gammaGamma[k] / truth.gammaGamma[k] - 1)).toBeLessThan(0.35);
  });

  it("names the line and column of bad rows and exits 1", async () => {
    const file = join(dir, "bad.csv");
    writeFileSync(file, "id,date,amount\na,2026-01-01,10\nb,2026-13-01,5\nc,2026-01-02,ten\nd,2026-01-03,-4\n");
    const result = await run(["fit", "--csv", file, "--customer", "id", "--date", "date", "--amount", "amount"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 3, column date: "2026-13-01" is not a date as yyyy-MM-dd');
    expect(result.stderr).toContain('line 4, column amount: "ten" is not a number');
    expect(result.stderr).toContain("line 5, column amount: -4 is negative");
  });

  it("exits 2 on usage errors, naming each one", async () => {
    const file = join(dir, "ok.csv");
    writeFileSync(file, "id,date,amount\na,2026-01-01,10\n");
    const missing = await run(["fit", "--csv", join(dir, "nope.csv"), "--unit", "month", "--date-format", "dd/MM/yyyy", "--calibration-end", "soon"]);
    expect(missing.code).toBe(2);
    for (const text of ["--csv: cannot read", "--customer: the column name is required", "--unit: one of week, day", "--date-format: one of", "--calibration-end: a date as YYYY-MM-DD"]) {
      expect(missing.stderr).toContain(text);
    }
    const column = await run(["fit", "--csv", file, "--customer", "customer", "--date", "date", "--amount", "amount"]);
    expect(column.code).toBe(2);
    expect(column.stderr).toContain('--customer: no column "customer"');
    expect((await run(["predict"])).code).toBe(2);
  });
});
