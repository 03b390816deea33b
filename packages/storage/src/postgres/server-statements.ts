import pg from "pg";
import { FEATURE_NOT_SUPPORTED, PREPARABLE } from "./prepared-texts";
import { beginWithSettings } from "./transaction-settings";
import { writingBehind } from "./write-behind";

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
 * The client also sends a transaction's own settings with its BEGIN (transaction-settings.ts) and
 * pipelines what need not be waited for (serverClient, write-behind.ts).
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
type Settled = { ok: true; result: unknown } | { ok: false; error: unknown };

const settle = (answer: Promise<unknown>): Promise<Settled> =>
  answer.then(
    (result) => ({ ok: true, result }),
    (error: unknown) => ({ ok: false, error }),
  );

/** What a statement that is not waited for answers at once (pg's Result for a statement that returned nothing). */
const UNREAD = Object.freeze({ command: null, rowCount: null, oid: null, rows: [], fields: [] });

/**
 * The pg Client class of a server store (the pool opens it in pg's pipeline mode: a statement goes
 * out without waiting for the one before it to be answered):
 * - data statements run named (see above);
 * - BEGIN carries its transaction's settings (transaction-settings.ts) and is not waited for: it
 *   travels with the transaction's first statement;
 * - inside a transaction, a statement sent under writeBehind (write-behind.ts) is not waited for
 *   either: it travels with the next statement, usually COMMIT.
 * A statement that is waited for answers once every statement sent before it has: with the first
 * error among them (a failed write, then the aborted transaction's own refusals), or its own result.
 * ROLLBACK answers with its own result whatever failed before it.
 */
export function serverClient(names: StatementNames): typeof pg.Client {
  return class ServerClient extends pg.Client {
    /** Statements sent and not waited for, in the order sent: each settles when the server has answered it. */
    private unanswered: Promise<Settled>[] = [];
    private inTransaction = false;

    override query(...args: unknown[]): never {
      const config = args[0] as QueryConfig | string;
      const text = typeof config === "object" && config !== null && typeof config.text === "string" ? config.text : undefined;
      const byPromise = typeof args[1] !== "function" && typeof args[2] !== "function";
      if (text === "begin") {
        const begin = { ...(config as object), text: beginWithSettings() };
        if (!byPromise) return this.named([begin, ...args.slice(1)]);
        this.inTransaction = true;
        this.sendBehind(this.named([begin]));
        return Promise.resolve(UNREAD) as never;
      }
      if (!byPromise) return this.named(args);
      if (this.inTransaction && writingBehind()) {
        this.sendBehind(this.named(args));
        return Promise.resolve(UNREAD) as never;
      }
      if (text === "commit" || text === "rollback") this.inTransaction = false;
      const answer = this.named(args) as Promise<unknown>;
      if (this.unanswered.length === 0) return answer as never;
      const before = this.unanswered;
      this.unanswered = [];
      return Promise.all([...before, settle(answer)]).then((settled) => {
        const own = settled.at(-1)!;
        const failed = (text === "rollback" ? [own] : settled).find((s) => !s.ok);
        if (failed && !failed.ok) throw failed.error;
        return own.ok ? own.result : undefined;
      }) as never;
    }

    private sendBehind(answer: Promise<unknown>) {
      this.unanswered.push(settle(answer));
    }

    // Named: a config object with a text, its values in it or next to it, answered by promise (how
    // Drizzle calls inside a transaction) or by callback (how the pool calls). Anything else (a plain
    // text, a submittable, a config that already has a name) passes through untouched.
    private named(args: unknown[]): never {
      const config = args[0] as QueryConfig | string;
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
        return !this.inTransaction && this.getTransactionStatus() === "I";
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
