import { describe, expect, it } from "vitest";
import { REFUNDED, SequenceOrders, WHOLE } from "./sequence-orders";

const rowsOf = (orders: SequenceOrders, endUs: number, profileOf: number[]) => {
  const rows = orders.rows(endUs, Int32Array.from(profileOf));
  return Array.from({ length: rows.size }, (_, i) => ({
    profile: rows.profile[i],
    us: rows.us[i],
    store: rows.store[i],
    amount: rows.amount[i],
    refunded: rows.refunded[i],
    refunds: rows.refunds[i],
  }));
};

describe("SequenceOrders", () => {
  it("makes an order of its first completion sent, at the earliest completion's time, before the end asked for", () => {
    const orders = new SequenceOrders();
    // Sent twice: later, then with an earlier time, by another identifier at another store.
    orders.completed("o1", 0, 5_000, 1, 80, 0);
    orders.completed("o1", 1, 3_000, 2, 99, 1);
    orders.completed("o2", 1, 9_000, -1, null, 2);
    expect(rowsOf(orders, 10_000, [7, 8])).toEqual([
      { profile: 7, us: 3_000, store: 1, amount: 80, refunded: 0, refunds: 0 },
      { profile: 8, us: 9_000, store: -1, amount: 0, refunded: 0, refunds: 0 },
    ]);
    // Before 4,000 only o1's second completion was sent: it is the order then.
    expect(rowsOf(orders, 4_000, [7, 8])).toEqual([{ profile: 8, us: 3_000, store: 2, amount: 99, refunded: 0, refunds: 0 }]);
  });

  it("sums an order's refunds whenever they come, and marks one without an amount", () => {
    const orders = new SequenceOrders();
    orders.refunded("o1", 10);
    orders.completed("o1", 0, 1_000, -1, 50, 0);
    orders.refunded("o1", 15.5);
    orders.completed("o2", 0, 2_000, -1, 30, 1);
    orders.refunded("o2", null);
    orders.refunded("o3", 5);
    expect(rowsOf(orders, 10_000, [0]).map((r) => [r.refunded, r.refunds])).toEqual([
      [25.5, REFUNDED],
      [0, REFUNDED | WHOLE],
    ]);
  });

  it("gives a completion held without an identifier its customer once anchored", () => {
    const orders = new SequenceOrders();
    orders.completed("o1", -1, 1_000, -1, 20, 41);
    expect(rowsOf(orders, 10_000, [3, 4])[0]!.profile).toBe(-1);
    orders.anchor(41, 1);
    expect(rowsOf(orders, 10_000, [3, 4])[0]!.profile).toBe(4);
    // An identifier the profile map does not know yet has no customer.
    orders.completed("o2", 9, 2_000, -1, 20, 42);
    expect(rowsOf(orders, 10_000, [3, 4])[1]!.profile).toBe(-1);
  });

  it("keeps thousands of orders and completions past its first allocation", () => {
    const orders = new SequenceOrders();
    for (let i = 0; i < 5_000; i++) orders.completed(`o${i % 3_000}`, i % 2, i, -1, 1, i);
    const rows = rowsOf(orders, Infinity, [0, 1]);
    expect(rows).toHaveLength(3_000);
    expect(rows[2_999]).toEqual({ profile: 1, us: 2_999, store: -1, amount: 1, refunded: 0, refunds: 0 });
  });
});
