import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime } from "./format-date-time";

describe("formatDateTime", () => {
  it("shows the instant in the given time zone", () => {
    expect(formatDateTime("2025-03-01T16:05:09.000Z", "Asia/Shanghai")).toBe("2025-03-02 00:05:09");
    expect(formatDateTime("2025-03-01T16:05:09Z", "UTC")).toBe("2025-03-01 16:05:09");
    expect(formatDateTime("2025-07-01T12:00:00+08:00", "America/New_York")).toBe("2025-07-01 00:00:00");
  });

  it("uses a 24-hour clock at midnight", () => {
    expect(formatDateTime("2025-01-01T16:00:00Z", "Asia/Shanghai")).toBe("2025-01-02 00:00:00");
  });

  it("falls back to UTC for an unknown zone and tolerates bad input", () => {
    expect(formatDateTime("2025-03-01T16:05:09Z", "Mars/Olympus")).toBe("2025-03-01 16:05:09");
    expect(formatDateTime(null, "UTC")).toBe("—");
    expect(formatDateTime("not a date", "UTC")).toBe("not a date");
  });

  it("formats dates", () => {
    expect(formatDate("2025-03-01T16:05:09Z", "Asia/Shanghai")).toBe("2025-03-02");
    expect(formatDate(undefined, "UTC")).toBe("—");
  });
});
