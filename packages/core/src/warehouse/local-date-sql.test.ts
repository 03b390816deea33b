import fc from "fast-check";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDateSql } from "./local-date-sql";

// Zones with DST both ways, a 30-minute DST (Lord Howe), a 45-minute offset, a zone that dropped
// DST (Sao Paulo, 2019), one that moved its standard offset (Pyongyang, 2015 and 2018), and none.
const ZONES = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Sao_Paulo", "Asia/Pyongyang", "Pacific/Apia", "UTC"];

let warehouse: Warehouse;
beforeAll(async () => {
  warehouse = await openWarehouse({ dataDir: null });
});
afterAll(async () => {
  await warehouse.close();
});

/** Instants given as ms since the epoch, each zone's local date by timezone() and by localDateSql. */
async function compare(zone: string, instants: number[]) {
  await warehouse.run("create or replace table t (ts timestamptz)");
  await warehouse.transaction((tx) => tx.append("t", instants.map((ms) => [new Date(ms)])));
  return warehouse.query<{ ts: string; icu: string; fast: string }>(
    `select ts::varchar as ts, strftime(timezone('${zone}', ts)::date, '%Y-%m-%d') as icu, strftime(${localDateSql(zone, "ts")}, '%Y-%m-%d') as fast from t order by ts`,
  );
}

describe("localDateSql", () => {
  it("gives timezone()'s local date around every offset change of each zone", async () => {
    for (const zone of ZONES) {
      // Every hour from 2012 to 2027 plus the seconds around each change: hourly walks cross each
      // change within the hour; the seconds catch an off-by-one at the change itself.
      const instants: number[] = [];
      for (let at = Date.UTC(2012, 0, 1); at < Date.UTC(2027, 0, 1); at += 3_600_000) instants.push(at);
      const rows = await compare(zone, instants);
      const wrong = rows.filter((r) => r.icu !== r.fast);
      expect(wrong.slice(0, 3), zone).toEqual([]);
      expect(rows).toHaveLength(instants.length);
    }
  });

  it("agrees with timezone() on random instants, seconds and years outside the fast range included", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.array(fc.integer({ min: Date.UTC(1995, 0, 1) / 1000, max: Date.UTC(2029, 11, 31) / 1000 }), { minLength: 1, maxLength: 200 }),
        async (zone, seconds) => {
          const rows = await compare(zone, seconds.map((s) => s * 1000));
          expect(rows.filter((r) => r.icu !== r.fast)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps null a null", async () => {
    const [row] = await warehouse.query<{ d: unknown }>(`select ${localDateSql("America/New_York", "null::timestamptz")} as d`);
    expect(row?.d).toBeNull();
  });
});
