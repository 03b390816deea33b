import { parse, protocol, types, type PGlite, type QueryOptions, type Results, type Transaction } from "@electric-sql/pglite";

/**
 * Named prepared statements for the embedded store, each run in one protocol round trip.
 *
 * PGlite's own `query` sends every statement as six separate calls into the database (parse,
 * describe, bind, describe, execute, sync), each a copy into and out of WebAssembly, and parses
 * and plans the text again every time. Here a statement's text is parsed once under a name; later
 * runs send bind + execute + sync together, so the database analyses nothing again and the host
 * crosses into it once. Plans are still made per run with the run's values (`plan_cache_mode =
 * force_custom_plan`, set when the store opens), as an unnamed statement's are: the same plans as
 * before, without the parsing and the round trips.
 *
 * Large text and JSON parameters go over in binary format (the UTF-8 bytes, after jsonb's version
 * byte), which saves PGlite's character-by-character length count and copy of each one.
 *
 * Only data statements (select, insert, update, delete, with) are prepared; anything else, and a
 * call with options beyond the row mode and parsers, takes PGlite's own path.
 */

type BackendMessage = Awaited<ReturnType<PGlite["execProtocolStream"]>>[number];

interface Statement {
  name: string;
  paramTypes: number[];
  /** The row description of its results (an execute of a named statement sends none): none for a statement without rows. */
  description: BackendMessage | undefined;
}

/** How many statements stay prepared; the least recently used beyond this are closed. */
const CAPACITY = 400;
/** Strings at least this long go over in binary format. */
const BINARY_FROM = 512;
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
const JSONB_VERSION = Buffer.from([1]);
/** "cached plan must not change result type": a table a statement reads changed shape. */
const FEATURE_NOT_SUPPORTED = "0A000";

const wire = protocol.serialize;

export interface PreparedQueries {
  /** A statement outside any transaction (waits for the connection like PGlite's `query`). */
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  /** The same inside `transaction`: `tx` is the transaction that holds the connection. */
  inTransaction(tx: Transaction): Transaction;
}

export function preparedQueries(client: PGlite): PreparedQueries {
  const statements = new Map<string, Statement>();
  const closing: string[] = [];
  let counter = 0;

  async function prepare(text: string): Promise<Statement> {
    const name = `siyu_${++counter}`;
    const closes = closing.splice(0).map((old) => wire.close({ type: "S", name: old }));
    const messages = await client.execProtocolStream(Buffer.concat([...closes, wire.parse({ name, text }), wire.describe({ type: "S", name }), wire.sync()]), { syncToFs: false });
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages), description: messages.find((m) => m.name === "rowDescription") };
    statements.set(text, statement);
    if (statements.size > CAPACITY) {
      const [oldest, evicted] = statements.entries().next().value!;
      statements.delete(oldest);
      closing.push(evicted.name);
    }
    return statement;
  }

  async function run<T>(text: string, params: unknown[], options: QueryOptions | undefined): Promise<Results<T>> {
    let statement = statements.get(text);
    if (statement) {
      statements.delete(text);
      statements.set(text, statement);
    } else {
      statement = await prepare(text);
    }
    const values = params.map((value, i) => toWire(value, statement.paramTypes[i]!, client.serializers));
    const messages = await client.execProtocolStream(Buffer.concat([wire.bind({ statement: statement.name, values }), wire.execute({}), wire.sync()]), { syncToFs: false });
    // PGlite's own reading of the results, given the description the prepare received.
    return parse.parseResults(statement.description ? [statement.description, ...messages] : messages, client.parsers, options)[0] as Results<T>;
  }

  /** Runs a data statement prepared; `outside`: no transaction is open, so a failure aborted none. */
  async function execute<T>(text: string, params: unknown[], options: QueryOptions | undefined, outside: boolean): Promise<Results<T>> {
    const attempt = () => client._runExclusiveQuery(() => run<T>(text, params, options));
    try {
      try {
        return await attempt();
      } catch (error) {
        // A statement prepared before a table it reads changed shape: prepare it again, once.
        if (!outside || (error as { code?: string }).code !== FEATURE_NOT_SUPPORTED || !statements.has(text)) throw error;
        closing.push(statements.get(text)!.name);
        statements.delete(text);
        return await attempt();
      }
    } catch (error) {
      throw Object.assign(error as object, { query: text, params, queryOptions: options });
    }
  }

  const preparable = (text: string, options: QueryOptions | undefined) => PREPARABLE.test(text) && plainOptions(options);

  return {
    async query<T>(text: string, params: unknown[] = [], options?: QueryOptions) {
      if (!preparable(text, options)) return client.query<T>(text, params, options);
      await client.waitReady;
      if (client.closed) throw new Error("PGlite is closed");
      return client._runExclusiveTransaction(async () => {
        const result = await execute<T>(text, params, options, true);
        await client.syncToFs();
        return result;
      });
    },
    inTransaction(tx) {
      return new Proxy(tx, {
        get(target, property, receiver) {
          if (property === "query") {
            return <T>(text: string, params: unknown[] = [], options?: QueryOptions) => {
              if (!preparable(text, options)) return target.query<T>(text, params, options);
              if (target.closed) throw new Error("Transaction is closed");
              return execute<T>(text, params, options, false);
            };
          }
          return Reflect.get(target, property, receiver);
        },
      });
    },
  };
}

function plainOptions(options: QueryOptions | undefined): boolean {
  return !options || Object.keys(options).every((key) => key === "rowMode" || key === "parsers");
}

function toWire(value: unknown, typeId: number, serializers: PGlite["serializers"]): string | Uint8Array | null {
  if (value === null || value === undefined) return null;
  const serializer = serializers[typeId];
  const text = serializer ? serializer(value) : (value as { toString(): string }).toString();
  if (typeof text !== "string" || text.length < BINARY_FROM) return text;
  if (typeId === types.JSONB) return Buffer.concat([JSONB_VERSION, Buffer.from(text, "utf8")]);
  if (typeId === types.TEXT || typeId === types.VARCHAR || typeId === types.JSON) return Buffer.from(text, "utf8");
  return text;
}
