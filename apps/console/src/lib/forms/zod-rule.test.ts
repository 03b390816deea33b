import { Email, Password } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeZodIssue, zodRule } from "./zod-rule";

function firstIssue(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) throw new Error("expected a failure");
  const issue = result.error.issues[0];
  if (!issue) throw new Error("expected an issue");
  return issue;
}

describe("describeZodIssue", () => {
  it("treats missing and empty values as required", () => {
    expect(describeZodIssue(firstIssue(z.string().trim().min(1), undefined)).key).toBe("common.validation.required");
    expect(describeZodIssue(firstIssue(z.string().trim().min(1), "   ")).key).toBe("common.validation.required");
  });

  it("reports lengths with their limits", () => {
    expect(describeZodIssue(firstIssue(Password, "short"))).toEqual({
      key: "common.validation.minLength",
      params: { min: 10 },
    });
    expect(describeZodIssue(firstIssue(z.string().max(3), "abcd"))).toEqual({
      key: "common.validation.maxLength",
      params: { max: 3 },
    });
  });

  it("recognises e-mail and other formats", () => {
    expect(describeZodIssue(firstIssue(Email, "nope")).key).toBe("common.validation.email");
    expect(describeZodIssue(firstIssue(z.string().regex(/^[A-Z]{3}$/), "cny")).key).toBe("common.validation.format");
  });
});

describe("zodRule", () => {
  const t = (key: string, params?: Readonly<Record<string, string | number>>) =>
    params ? `${key} ${JSON.stringify(params)}` : key;

  it("accepts valid values", async () => {
    await expect(zodRule(Password, t).validator({}, "a long enough password")).resolves.toBeUndefined();
  });

  it("rejects with a translated message and treats '' as missing", async () => {
    await expect(zodRule(Password, t).validator({}, "")).rejects.toThrow("common.validation.required");
    await expect(zodRule(Password, t).validator({}, "short")).rejects.toThrow('common.validation.minLength {"min":10}');
  });

  it("uses the field's own format message when given", async () => {
    const code = z.string().regex(/^[a-z]+$/);
    await expect(zodRule(code, t, "common.validation.invalid").validator({}, "A!")).rejects.toThrow(
      "common.validation.invalid",
    );
  });
});
