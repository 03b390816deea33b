import type { HTMLAttributes } from "react";

/**
 * `data-testid` for props objects such as Modal's okButtonProps, whose types do not list
 * data attributes (JSX accepts them directly; object literals do not).
 */
export function testId(id: string): Record<"data-testid", string> {
  return { "data-testid": id };
}

/** The same for Table's onRow, which expects plain HTML attributes. */
export function rowTestId(id: string): HTMLAttributes<HTMLElement> {
  const attributes: HTMLAttributes<HTMLElement> & Record<"data-testid", string> = { "data-testid": id };
  return attributes;
}
