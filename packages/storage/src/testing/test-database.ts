import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../postgres/database";

export interface TestDatabase extends Database {
  /** "pglite" or "postgres": tests print it so a run says which store it covered. */
  readonly label: string;
}

/**
 * A fresh, migrated system of record for one test file: embedded PGlite in memory
 * by default, or — when DATABASE_URL_TEST is set (`npm run test:pg`, and CI) —
 * a new database on that PostgreSQL server, dropped again on close.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL_TEST;
  if (!serverUrl) {
    const database = await openDatabase({ kind: "pglite", dataDir: null });
    await database.migrate();
    return { ...database, label: "pglite" };
  }
  const name = `siyu_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: "postgres", url: url.toString(), poolSize: 20 });
  await database.migrate();
  return {
    ...database,
    label: "postgres",
    async close() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
