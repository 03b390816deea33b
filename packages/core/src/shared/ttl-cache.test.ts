import { describe, expect, it } from "vitest";
import { ttlCache } from "./ttl-cache";

describe("ttlCache", () => {
  it("serves a settled value until it expires", async () => {
    let clock = 0;
    let loads = 0;
    const cache = ttlCache(async (key) => `${key}-${++loads}`, 100, () => clock);
    expect(await cache.get("a")).toBe("a-1");
    clock = 99;
    expect(await cache.get("a")).toBe("a-1");
    clock = 100;
    expect(await cache.get("a")).toBe("a-2");
  });

  it("never hands a load in flight to a second caller, who loads through its own handle", async () => {
    const handles: string[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const cache = ttlCache(async (_key, handle: string) => {
      handles.push(handle);
      if (handle === "outer") await blocked;
      return handle;
    }, 1000);
    const first = cache.get("ws", "outer");
    // The second caller must not wait for the first load (it could be holding what that load waits for).
    expect(await cache.get("ws", "transaction")).toBe("transaction");
    release();
    expect(await first).toBe("outer");
    expect(handles).toEqual(["outer", "transaction"]);
  });
});
