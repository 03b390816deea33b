import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error";
import { parseIssuePath, readValidationIssues, splitApiErrorByField } from "./field-errors";

const invalid = (details: unknown) => new ApiError(400, "request.invalid", "Invalid request", details);

describe("parseIssuePath", () => {
  it("understands dotted, slashed and bracketed paths", () => {
    expect(parseIssuePath("name")).toEqual(["name"]);
    expect(parseIssuePath("body.storeIds.0")).toEqual(["storeIds", 0]);
    expect(parseIssuePath("/storeIds/1")).toEqual(["storeIds", 1]);
    expect(parseIssuePath("querystring.limit")).toEqual(["limit"]);
    expect(parseIssuePath("items[2].name")).toEqual(["items", 2, "name"]);
    expect(parseIssuePath("")).toEqual([]);
  });
});

describe("splitApiErrorByField", () => {
  it("maps issues onto known fields and groups them", () => {
    const error = invalid([
      { path: "body.name", message: "Too short" },
      { path: "name", message: "Bad characters" },
      { path: "code", message: "letters, digits, - and _ only" },
    ]);
    expect(splitApiErrorByField(error, ["name", "code", "city"])).toEqual({
      fieldErrors: [
        { name: "name", errors: ["Too short", "Bad characters"] },
        { name: "code", errors: ["letters, digits, - and _ only"] },
      ],
      otherMessages: [],
    });
  });

  it("attaches nested paths to their top-level field", () => {
    const error = invalid([{ path: "storeIds.3", message: "Invalid UUID" }]);
    expect(splitApiErrorByField(error, ["storeIds"]).fieldErrors).toEqual([
      { name: "storeIds", errors: ["Invalid UUID"] },
    ]);
  });

  it("reports issues for unknown fields as general messages", () => {
    const error = invalid([{ path: "extra", message: "Unrecognized key" }, { path: "", message: "Empty body" }]);
    expect(splitApiErrorByField(error, ["name"])).toEqual({
      fieldErrors: [],
      otherMessages: ["extra: Unrecognized key", "Empty body"],
    });
  });

  it("reports non-validation errors by their message", () => {
    const error = new ApiError(409, "stores.code_taken", "A store with this code exists");
    expect(splitApiErrorByField(error, ["code"])).toEqual({
      fieldErrors: [],
      otherMessages: ["A store with this code exists"],
    });
    expect(splitApiErrorByField(new Error("boom"), ["code"]).otherMessages).toEqual(["boom"]);
  });

  it("skips malformed details", () => {
    expect(readValidationIssues(invalid("not an array"))).toEqual([]);
    expect(readValidationIssues(invalid([{ path: 1, message: "x" }, null]))).toEqual([]);
  });
});
