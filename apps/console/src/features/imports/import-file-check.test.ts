import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/api/api-error";
import { MAX_IMPORT_BYTES, checkImportFile, describeImportFailure, importFileNameParam } from "./import-file-check";

describe("checkImportFile", () => {
  it("accepts a file up to 50 MB", () => {
    expect(checkImportFile({ size: 1 })).toBeNull();
    expect(checkImportFile({ size: MAX_IMPORT_BYTES })).toBeNull();
  });

  it("refuses an empty file and one over 50 MB", () => {
    expect(checkImportFile({ size: 0 })).toEqual({ problem: "empty" });
    expect(checkImportFile({ size: MAX_IMPORT_BYTES + 1 })).toEqual({ problem: "tooLarge", maxMb: 50 });
  });
});

describe("importFileNameParam", () => {
  it("trims and cuts the name to 200 characters", () => {
    expect(importFileNameParam(" members.csv ")).toBe("members.csv");
    expect(importFileNameParam("a".repeat(300))).toHaveLength(200);
    expect(importFileNameParam("  ")).toBeUndefined();
  });
});

describe("describeImportFailure", () => {
  it("lists the missing columns of a 400", () => {
    const error = new ApiError(400, "imports.missing_column", "The header lacks total", [
      { path: "total", message: "an orders file needs it" },
      { nonsense: true },
    ]);
    expect(describeImportFailure(error)).toEqual({
      code: "imports.missing_column",
      columns: [{ column: "total", message: "an orders file needs it" }],
    });
  });

  it("has no columns for other errors", () => {
    expect(describeImportFailure(new ApiError(415, "imports.unsupported_media_type", "no"))).toEqual({
      code: "imports.unsupported_media_type",
      columns: [],
    });
    expect(describeImportFailure(new Error("x"))).toEqual({ code: null, columns: [] });
  });
});
