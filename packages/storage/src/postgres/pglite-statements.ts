import { parse, protocol, types, type PGlite, type QueryOptions, type Results, type Transaction } from "@electric-sql/pglite";
import { FEATURE_NOT_SUPPORTED, PREPARABLE } from "./prepared-texts";

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
 * Results are read here too (`readResults`): PGlite's reader copies the database's 300-odd type
 * parsers into a new object on every call, 80–115 µs a statement. Transactions are the store's own
 * (`transaction`): BEGIN, COMMIT and savepoints as one simple query each.
 *
 * Large text and JSON parameters go over in binary format (the UTF-8 bytes, after jsonb's version
 * byte), which saves PGlite's character-by-character length count and copy of each one.
 *
 * Outside a transaction, only data statements (select, insert, update, delete, with) are prepared;
 * anything else, and a call with options beyond the row mode and parsers, takes PGlite's own path.
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
const JSONB_VERSION = Buffer.from([1]);

const wire = protocol.serialize;

export interface PreparedQueries {
  /** A statement outside any transaction (waits for the connection like PGlite's `query`). */
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  /**
   * A transaction holding the connection, as PGlite's `transaction` (the same handle; committed when
   * `work` resolves, rolled back when it throws), with its statements run as above. BEGIN, COMMIT,
   * ROLLBACK and savepoints go over as one simple query each: PGlite's own path sends two calls
   * into the database for each and reads their results with its costly reader.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
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
    return readResults<T>(statement.description, messages, client.parsers, options);
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

  /** Statements without parameters as one simple query (one call into the database): each one's results. */
  async function commands<T>(text: string, options?: QueryOptions): Promise<Results<T>[]> {
    let messages: BackendMessage[];
    try {
      messages = await client.execProtocolStream(wire.query(text), { syncToFs: false });
    } catch (error) {
      throw Object.assign(error as object, { query: text, params: [], queryOptions: options });
    }
    const results: Results<T>[] = [];
    for (let from = 0, i = 0; i < messages.length; i++) {
      if (messages[i]!.name !== "commandComplete") continue;
      results.push(readResults<T>(undefined, messages.slice(from, i + 1), client.parsers, options));
      from = i + 1;
    }
    return results;
  }
  const command = async <T>(text: string, options?: QueryOptions): Promise<Results<T>> => (await commands<T>(text, options))[0] ?? { rows: [], fields: [], affectedRows: 0 };

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
    async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      await client.waitReady;
      if (client.closed) throw new Error("PGlite is closed");
      return client._runExclusiveTransaction(async () => {
        await command("BEGIN");
        let closed = false;
        const open = () => {
          if (closed) throw new Error("Transaction is closed");
        };
        const tx: Transaction = {
          async query<R>(text: string, params: unknown[] = [], options?: QueryOptions) {
            open();
            // Savepoints, settings …: one simple query. Everything else prepared (explain with parameters too).
            if (params.length === 0 && !PREPARABLE.test(text)) return command<R>(text, options);
            return execute<R>(text, params, options, false);
          },
          async sql<R>(strings: TemplateStringsArray, ...params: unknown[]) {
            return tx.query<R>(strings.reduce((text, part, i) => `${text}$${i}${part}`), params);
          },
          async exec(text: string, options?: QueryOptions) {
            open();
            return (await commands(text, options)) as Results[];
          },
          async rollback() {
            open();
            closed = true;
            await command("ROLLBACK");
          },
          listen: (channel, callback) => client.listen(channel, callback, tx),
          get closed() {
            return closed;
          },
        };
        try {
          const result = await work(tx);
          if (!closed) {
            closed = true;
            await command("COMMIT");
          }
          return result;
        } catch (error) {
          if (!closed) {
            closed = true;
            await command("ROLLBACK");
          }
          throw error;
        }
      });
    },
  };
}

interface FieldMessage {
  fields: { name: string; dataTypeID: number }[];
}

type Parser = (value: string, typeId: number) => unknown;

/**
 * The rows of one statement's results, as PGlite's `parse.parseResults` reads them (the same
 * parsers, the call's own first, the same row modes and affected-row count), but each column's
 * parser is looked up once per call. PGlite's reader copies every type parser of the database
 * (300-odd entries) into a new object on each call to merge in the call's own — and the ORM passes
 * its own on every query — which cost 80–115 µs a statement, more than many statements take to run.
 */
export function readResults<T>(description: BackendMessage | undefined, messages: BackendMessage[], parsers: PGlite["parsers"], options: QueryOptions | undefined): Results<T> {
  const own = options?.parsers as Record<number, Parser> | undefined;
  const asArrays = options?.rowMode === "array";
  let fields: { name: string; dataTypeID: number }[] = [];
  let parsersOfFields: (Parser | undefined)[] = [];
  const describe = (message: BackendMessage) => {
    fields = (message as unknown as FieldMessage).fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
    parsersOfFields = fields.map((f) => own?.[f.dataTypeID] ?? (parsers as Record<number, Parser>)[f.dataTypeID] ?? (types.parsers as Record<number, Parser>)[f.dataTypeID]);
  };
  if (description) describe(description);
  const parseValue = (value: string | null, i: number) => {
    if (value === null) return null;
    const parser = parsersOfFields[i];
    return parser ? parser(value, fields[i]!.dataTypeID) : value;
  };
  const rows: unknown[] = [];
  for (const message of messages) {
    if (message.name === "rowDescription") {
      describe(message);
    } else if (message.name === "dataRow") {
      const values = (message as unknown as { fields: (string | null)[] }).fields;
      if (asArrays) {
        rows.push(values.map(parseValue));
      } else {
        const row: Record<string, unknown> = {};
        for (let i = 0; i < values.length; i++) row[fields[i]!.name] = parseValue(values[i]!, i);
        rows.push(row);
      }
    } else if (message.name === "commandComplete") {
      return { rows: rows as T[], fields, affectedRows: affectedRowsOf((message as unknown as { text: string }).text) };
    }
  }
  return { rows: rows as T[], fields, affectedRows: 0 };
}

/** The count a command tag reports ("INSERT 0 5", "UPDATE 3" …), 0 for the others. */
function affectedRowsOf(tag: string): number {
  const words = tag.split(" ");
  switch (words[0]) {
    case "INSERT":
      return parseInt(words[2]!, 10);
    case "UPDATE":
    case "DELETE":
    case "COPY":
    case "MERGE":
      return parseInt(words[1]!, 10);
    default:
      return 0;
  }
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
