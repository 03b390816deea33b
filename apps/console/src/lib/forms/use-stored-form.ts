import type { FormInstance } from "antd";
import { useCallback, useEffect, useRef } from "react";

/**
 * Fills an edit form from the stored copy the server returned: when it first arrives, and again whenever
 * a new copy arrives (a save elsewhere on the page, a refetch) unless the operator has edited the form
 * since it was last filled — a refetch never puts the stored values back over unsaved edits. After the
 * form's own save, `fill(saved)` shows what was stored and counts the form as unedited again.
 */
export function useStoredForm<T, V>(form: FormInstance<V>, stored: T | undefined, toForm: (stored: T) => V): (saved: T) => void {
  const toFormRef = useRef(toForm);
  toFormRef.current = toForm;
  const fill = useCallback(
    (value: T) => {
      // resetFields forgets which fields were touched; setFieldsValue does not touch them.
      form.resetFields();
      form.setFieldsValue(toFormRef.current(value) as Parameters<FormInstance<V>["setFieldsValue"]>[0]);
    },
    [form],
  );
  useEffect(() => {
    if (stored !== undefined && !form.isFieldsTouched()) fill(stored);
  }, [stored, form, fill]);
  return fill;
}
