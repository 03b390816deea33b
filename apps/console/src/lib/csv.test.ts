import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("writes a BOM, quotes what needs quoting and defuses formulas", () => {
    const csv = toCsv(["渠道", "conversions"], [["企业微信", 1.5], ['say "hi", then', 2], ["=HYPERLINK(1)", -3], [null, "+86139****9000"]]);
    expect(csv).toBe('\uFEFF渠道,conversions\r\n企业微信,1.5\r\n"say ""hi"", then",2\r\n\'=HYPERLINK(1),-3\r\n,+86139****9000\r\n');
  });
});
