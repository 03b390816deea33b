import { AsyncLocalStorage } from "node:async_hooks";
import { sql } from "drizzle-orm";
import type { Db } from "./database";

/**
 * Transactions with settings of their own (`set_config(name, value, true)`: they end with the
 * transaction). On the PostgreSQL server the settings travel with BEGIN, in one simple query
 * ("begin; select set_config(…)"), so they cost no round trip of their own: for a group-committed
 * batch of points awards that was one of five (server-statements.ts sends them). Elsewhere (the
 * embedded store, whose round trips cost no network) they run as the transaction's first statement.
 */

interface PendingSettings {
  /** The `select set_config(…)` statement. */
  readonly statement: string;
  /** Whether BEGIN carried it. */
  sent: boolean;
}

const pending = new AsyncLocalStorage<PendingSettings>();

const SETTING_NAME = /^[a-z_][a-z0-9_.]*$/;

/** `select set_config('name', 'value', true), …` for settings given by name. */
export function setConfigStatement(settings: Readonly<Record<string, string>>): string {
  const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const calls = Object.entries(settings).map(([name, value]) => {
    if (!SETTING_NAME.test(name)) throw new RangeError(`Not a setting name: ${name}`);
    return `set_config(${quote(name)}, ${quote(value)}, true)`;
  });
  if (calls.length === 0) throw new RangeError("No settings given");
  return `select ${calls.join(", ")}`;
}

/** Runs `work` in a transaction of `db` whose settings are these for its whole length. */
export function transactionWithSettings<T>(db: Db, settings: Readonly<Record<string, string>>, work: (tx: Db) => Promise<T>): Promise<T> {
  const own: PendingSettings = { statement: setConfigStatement(settings), sent: false };
  return pending.run(own, () =>
    db.transaction(async (tx) => {
      if (!own.sent) {
        own.sent = true;
        await tx.execute(sql.raw(own.statement));
      }
      return work(tx);
    }),
  );
}

/**
 * For a server client about to send a plain BEGIN: the text to send instead, carrying the settings of
 * the transactionWithSettings call it belongs to (once; a BEGIN of another transaction inside its work
 * carries none).
 */
export function beginWithSettings(): string {
  const own = pending.getStore();
  if (own === undefined || own.sent) return "begin";
  own.sent = true;
  return `begin; ${own.statement}`;
}
