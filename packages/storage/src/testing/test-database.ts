import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../postgres/database";

export interface TestDatabase extends Database {
  /** "pglite" or "postgres": tests print it so a run says which store it covered. */
  readonly label: string;
}

/** The PostgreSQL server the suite runs against, when it does (`npm run test:pg` and CI set it). */
export function testServerUrl(): string | null {
  return process.env.DATABASE_URL_TEST || null;
}

/** A new, empty database on the test server; `drop` removes it again. */
export async function createServerTestDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `siyu_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await withAdmin(serverUrl, (admin) => admin.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(serverUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  };
}

/**
 * A fresh, migrated system of record for one test file: embedded PGlite in memory
 * by default, or — when DATABASE_URL_TEST is set — a new database on that
 * PostgreSQL server, dropped again on close.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  if (!serverUrl) {
    const database = await openDatabase({ kind: "pglite", dataDir: null });
    await database.migrate();
    return { ...database, label: "pglite" };
  }
  const target = await createServerTestDatabase(serverUrl);
  const database = await openDatabase({ kind: "postgres", url: target.url, poolSize: 20 });
  await database.migrate();
  return {
    ...database,
    label: "postgres",
    async close() {
      await database.close();
      await target.drop();
    },
  };
}

async function withAdmin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
