import type { z } from "zod";
import type { TranslateFn } from "../i18n";
import type { MessageKey } from "../i18n/register";

export type IssueMessage = { key: MessageKey; params?: Record<string, string | number> };

type Issue = z.core.$ZodIssue;

/** Chooses a translated message for a zod issue, so client-side checks speak the operator's language. */
export function describeZodIssue(issue: Issue): IssueMessage {
  switch (issue.code) {
    case "invalid_type":
      return { key: "common.validation.required" };
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) <= 1
          ? { key: "common.validation.required" }
          : { key: "common.validation.minLength", params: { min: Number(issue.minimum) } };
      }
      if (issue.origin === "array" && Number(issue.minimum) <= 1) return { key: "common.validation.required" };
      return { key: "common.validation.min", params: { min: Number(issue.minimum) } };
    case "too_big":
      if (issue.origin === "string") {
        return { key: "common.validation.maxLength", params: { max: Number(issue.maximum) } };
      }
      return { key: "common.validation.max", params: { max: Number(issue.maximum) } };
    case "invalid_format":
      return issue.format === "email" ? { key: "common.validation.email" } : { key: "common.validation.format" };
    default:
      return { key: "common.validation.invalid" };
  }
}

type FormRule = { validator: (rule: unknown, value: unknown) => Promise<void> };

/**
 * An antd Form rule backed by a contract schema. `formatKey` replaces the generic
 * "invalid format" message for fields whose format deserves an explanation.
 */
export function zodRule(schema: z.ZodType, t: TranslateFn, formatKey?: MessageKey): FormRule {
  return {
    validator: async (_rule, value) => {
      const result = schema.safeParse(value === "" ? undefined : value);
      if (result.success) return;
      const issue = result.error.issues[0];
      if (!issue) return;
      const described = describeZodIssue(issue);
      const key =
        formatKey && described.key !== "common.validation.required" && issue.code !== "too_big"
          ? formatKey
          : described.key;
      throw new Error(t(key, described.params));
    },
  };
}
