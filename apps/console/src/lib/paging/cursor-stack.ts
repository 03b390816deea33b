/**
 * Page-by-page navigation over a cursor API: the stack holds the cursor that opened each
 * visited page (undefined for the first), so "previous" needs no backwards cursor.
 */
export type CursorStack = ReadonlyArray<string | undefined>;

export const FIRST_PAGE: CursorStack = [undefined];

export function currentCursor(stack: CursorStack): string | undefined {
  return stack[stack.length - 1];
}

export function pushCursor(stack: CursorStack, nextCursor: string | null | undefined): CursorStack {
  return nextCursor ? [...stack, nextCursor] : stack;
}

export function popCursor(stack: CursorStack): CursorStack {
  return stack.length > 1 ? stack.slice(0, -1) : stack;
}

export function pageNumber(stack: CursorStack): number {
  return stack.length;
}
