import pg from "pg";
import { FEATURE_NOT_SUPPORTED, PREPARABLE } from "./prepared-texts";
import { beginWithSettings } from "./transaction-settings";

/**
 * Named prepared statements on a PostgreSQL server.
 *
 * node-postgres sends a statement without a name as parse + bind + execute every time, so the server
 * parses and plans its text on every run (for the points ledger's batch write, 1.5 of its 11 ms). A
 * named statement is parsed once per connection. Sessions still plan every run with that run's values
 * (`plan_cache_mode = force_custom_plan`, set by `openDatabase`, as on the embedded store); a
 * group-committed batch sets `plan_cache_mode = auto` for its own transaction, so after five runs the
 * server may keep one generic plan for its statements and skip planning them (awards and coupon
 * redemptions on the server 5–20 % faster; bench/RESULTS.md run 34).
 *
 * A text is named on its second sighting, so statements built once (with their values written into
 * the text) never take a name, and at most `capacity` texts are named per process: each connection
 * keeps its prepared statements until it closes, and the server keeps their parse trees and plans.
 * Only data statements (select, insert, update, delete, with) are named. A statement whose result
 * shape changed under it (a table it reads altered: "cached plan must not change result type") loses
 * its name and, outside a transaction, runs again unnamed; inside one, the error aborts it.
 *
 * The client also sends a transaction's own settings with its BEGIN (transaction-settings.ts).
 */

/** How many statement texts run named unless the store is opened with another number. */
export const DEFAULT_NAMED_STATEMENTS = 400;

/** How many texts seen once are remembered before that memory starts afresh. */
const SEEN_LIMIT = 10_000;

/** Names for statement texts, shared by a pool's connections. */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private seen = new Set<string>();
  private counter = 0;

  constructor(readonly capacity: number) {}

  /** The text's name, if it is to run as a named statement. */
  nameOf(text: string): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined || this.names.size >= this.capacity || !PREPARABLE.test(text)) return name;
    if (!this.seen.has(text)) {
      if (this.seen.size >= SEEN_LIMIT) this.seen = new Set();
      this.seen.add(text);
      return undefined;
    }
    this.seen.delete(text);
    const fresh = `siyu_${++this.counter}`;
    this.names.set(text, fresh);
    return fresh;
  }

  /** Drops a text's name: its next sightings name it afresh. */
  forget(text: string): void {
    this.names.delete(text);
  }

  get size(): number {
    return this.names.size;
  }
}

type QueryConfig = { text?: unknown; name?: unknown; submit?: unknown };
type Callback = (error: { code?: string } | null, result?: unknown) => void;

/** A pg Client class whose data statements run named and whose BEGIN carries its transaction's settings (see above). */
export function namingClient(names: StatementNames): typeof pg.Client {
  return class NamingClient extends pg.Client {
    // Named: a config object with a text, its values in it or next to it, answered by promise (how
    // Drizzle calls inside a transaction) or by callback (how the pool calls). Anything else (a plain
    // text, a submittable, a config that already has a name) passes through untouched.
    override query(...args: unknown[]): never {
      const config = args[0] as QueryConfig | string;
      if (typeof config === "object" && config !== null && config.text === "begin") {
        return (super.query as (...a: unknown[]) => never).call(this, { ...config, text: beginWithSettings() }, ...args.slice(1));
      }
      const plain = typeof config === "object" && config !== null && typeof config.text === "string" && config.name === undefined && config.submit === undefined;
      const name = plain ? names.nameOf(config.text as string) : undefined;
      const run = (super.query as (...a: unknown[]) => never).bind(this);
      if (name === undefined) return run(...args);
      const text = (config as QueryConfig).text as string;
      const named = { ...(config as object), name };
      // A plan whose result shape changed: the name is dropped, and outside a transaction the statement runs again unnamed.
      const again = (error: { code?: string } | null) => {
        if (error?.code !== FEATURE_NOT_SUPPORTED) return false;
        names.forget(text);
        return this.getTransactionStatus() === "I";
      };
      const callbackAt = typeof args[1] === "function" ? 1 : typeof args[2] === "function" ? 2 : -1;
      if (callbackAt === -1) {
        return (run(named, args[1]) as Promise<unknown>).catch((error: { code?: string }) => {
          if (!again(error)) throw error;
          return run(config, args[1]);
        }) as never;
      }
      const callback = args[callbackAt] as Callback;
      const values = callbackAt === 2 ? args[1] : undefined;
      return run(named, values, (error: { code?: string } | null, result?: unknown) => (again(error) ? run(config, values, callback) : callback(error, result)));
    }
  };
}
