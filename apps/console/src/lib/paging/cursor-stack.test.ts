import { describe, expect, it } from "vitest";
import { FIRST_PAGE, currentCursor, pageNumber, popCursor, pushCursor } from "./cursor-stack";

describe("cursor stack", () => {
  it("starts on page one without a cursor", () => {
    expect(currentCursor(FIRST_PAGE)).toBeUndefined();
    expect(pageNumber(FIRST_PAGE)).toBe(1);
  });

  it("moves forward with the server's next cursor and back again", () => {
    const two = pushCursor(FIRST_PAGE, "c2");
    const three = pushCursor(two, "c3");
    expect(currentCursor(three)).toBe("c3");
    expect(pageNumber(three)).toBe(3);
    expect(currentCursor(popCursor(three))).toBe("c2");
    expect(currentCursor(popCursor(popCursor(three)))).toBeUndefined();
  });

  it("stays put at either end", () => {
    expect(pushCursor(FIRST_PAGE, null)).toBe(FIRST_PAGE);
    expect(popCursor(FIRST_PAGE)).toBe(FIRST_PAGE);
  });
});
