import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isUuid, newId } from "./ids";
import { decodeCursor, pageResult } from "./paging";

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe("decodeCursor", () => {
  it("treats a missing or empty cursor as the first page", () => {
    expect(decodeCursor(undefined)).toBeNull();
    expect(decodeCursor("")).toBeNull();
  });

  it("accepts any UUID and returns it in lower case", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), (uuid, upper) => {
        const cursor = upper ? uuid.toUpperCase() : uuid;
        expect(decodeCursor(cursor)).toBe(uuid.toLowerCase());
      }),
    );
  });

  it("rejects every string that is not a UUID", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (cursor) => {
        fc.pre(!UUID_SHAPE.test(cursor));
        expect(decodeCursor(cursor)).toBeNull();
      }),
    );
  });

  it("rejects near-UUIDs: padded, truncated, extended or with a non-hex digit", () => {
    const id = newId();
    for (const cursor of [` ${id}`, `${id} `, id.slice(0, -1), `${id}0`, `${id.slice(0, -1)}g`, id.replaceAll("-", ""), `${id}\n`]) {
      expect(decodeCursor(cursor)).toBeNull();
    }
  });

  it("round-trips the ids the system creates", () => {
    const id = newId();
    expect(isUuid(id)).toBe(true);
    expect(decodeCursor(id)).toBe(id);
  });
});

describe("newId", () => {
  it("creates ids that sort in creation order, so they can serve as cursors", () => {
    const ids = Array.from({ length: 2_000 }, () => newId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("pageResult", () => {
  it("returns at most `limit` items and a cursor exactly when more rows were fetched", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 20 }), (count, limit) => {
        // callers fetch limit + 1 rows to learn whether another page exists
        const rows = Array.from({ length: Math.min(count, limit + 1) }, () => ({ id: newId() }));
        const page = pageResult(rows, limit);
        expect(page.items).toEqual(rows.slice(0, limit));
        if (rows.length > limit) expect(page.nextCursor).toBe(rows[limit - 1]?.id);
        else expect(page.nextCursor).toBeNull();
      }),
    );
  });
});
