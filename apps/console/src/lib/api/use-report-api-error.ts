import { App } from "antd";
import type { FormInstance } from "antd";
import { useCallback } from "react";
import { useT, type TranslateFn } from "../i18n";
import { CLIENT_ERROR_CODES, isApiError } from "./api-error";
import { readValidationIssues, splitApiErrorByField } from "./field-errors";

export function describeApiError(error: unknown, t: TranslateFn): string {
  if (isApiError(error)) {
    if (error.code === CLIENT_ERROR_CODES.network) return t("common.error.network");
    return error.message;
  }
  return error instanceof Error ? error.message : t("common.error.unknown");
}

/**
 * Shows an API error the way the console always does: validation issues next to the form
 * fields they name, everything else as a message toast.
 */
export function useReportApiError() {
  const { message } = App.useApp();
  const t = useT();
  return useCallback(
    (error: unknown, form?: FormInstance, fieldNames?: readonly string[]) => {
      if (form && fieldNames) {
        if (readValidationIssues(error).length > 0) {
          const { fieldErrors, otherMessages } = splitApiErrorByField(error, fieldNames);
          form.setFields(fieldErrors);
          for (const text of otherMessages) void message.error(text);
          return;
        }
      }
      void message.error(describeApiError(error, t));
    },
    [message, t],
  );
}
