import type { ChannelAdapter } from "./channel";

/**
 * Wraps a channel adapter so a test can count how often each message id was handed over, whether
 * one at a time (`deliver`), a dispatcher batch at once (`deliverMany`) or inside the dispatcher's
 * claim transaction (`deliverWithin`).
 */
export function countingAdapter(adapter: ChannelAdapter): { adapter: ChannelAdapter; counted: Map<string, number> } {
  const counted = new Map<string, number>();
  const count = (id: string) => counted.set(id, (counted.get(id) ?? 0) + 1);
  const deliverMany = adapter.deliverMany?.bind(adapter);
  const deliverWithin = adapter.deliverWithin?.bind(adapter);
  return {
    counted,
    adapter: {
      ...adapter,
      deliver: async (m, c) => (count(m.id), adapter.deliver(m, c)),
      ...(deliverMany ? { deliverMany: async (items) => (items.forEach((i) => count(i.message.id)), deliverMany(items)) } : {}),
      ...(deliverWithin ? { deliverWithin: async (tx, messages) => (messages.forEach((m) => count(m.id)), deliverWithin(tx, messages)) } : {}),
    },
  };
}
