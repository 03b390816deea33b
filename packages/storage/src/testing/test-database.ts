import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { dumpPgliteTemplate, MIGRATIONS_FOLDER, openDatabase, type Database } from "../postgres/database";

export interface TestDatabase extends Database {
  /** "pglite" or "postgres": tests print it so a run says which store it covered. */
  readonly label: string;
}

/** The PostgreSQL server the suite runs against, when it does (`npm run test:pg` and CI set it). */
export function testServerUrl(): string | null {
  return process.env.DATABASE_URL_TEST || null;
}

/** A new database on the test server, empty or a copy of `template`; `drop` removes it again. */
export async function createServerTestDatabase(serverUrl: string, template?: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `siyu_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await withAdmin(serverUrl, (admin) => admin.query(`create database ${name}${template ? ` template ${template}` : ""}`));
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
  // Both start from a migrated copy; migrate() then only confirms every migration ran.
  if (!serverUrl) {
    const database = await openDatabase({ kind: "pglite", dataDir: null, template: await pgliteTemplate() });
    await database.migrate();
    return { ...database, label: "pglite" };
  }
  const target = await createServerTestDatabase(serverUrl, await serverTemplate(serverUrl));
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

// Migrating a new store takes a second or two, and the suite opens hundreds: each test process
// starts from a migrated template instead, built once per set of migrations (and PGlite build).

/** Names the migrations and the PGlite build: a template made from other ones is never used. */
const templateKey = (() => {
  let key: string | undefined;
  return () => {
    if (key) return key;
    const hash = createHash("sha256");
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir).sort()) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else hash.update(entry).update(readFileSync(path));
      }
    };
    walk(MIGRATIONS_FOLDER);
    const pglite = createRequire(import.meta.url).resolve("@electric-sql/pglite");
    hash.update(readFileSync(join(dirname(pglite), "..", "package.json")));
    return (key = hash.digest("hex").slice(0, 16));
  };
})();

let pgliteTemplateBlob: Promise<Blob> | undefined;

/** The migrated PGlite data directory, from the temporary folder or built (and saved there) now. */
function pgliteTemplate(): Promise<Blob> {
  return (pgliteTemplateBlob ??= (async () => {
    const file = join(tmpdir(), `siyu-pglite-template-${templateKey()}.tar`);
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const blob = await dumpPgliteTemplate();
    // Written aside and renamed: a process reading it never sees half a file.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
    renameSync(partial, file);
    return blob;
  })());
}

/** A migrated template database on the server (`siyu_template_<key>`), built once under an advisory lock. */
async function serverTemplate(serverUrl: string): Promise<string> {
  const name = `siyu_template_${templateKey()}`;
  await withAdmin(serverUrl, async (admin) => {
    await admin.query("select pg_advisory_lock(hashtext('siyu test template'))");
    try {
      const found = await admin.query("select 1 from pg_database where datname = $1", [name]);
      if (found.rowCount) return;
      // Built under another name and renamed when whole: a crash mid-way leaves no half template.
      const building = `${name}_building_${randomBytes(4).toString("hex")}`;
      await admin.query(`create database ${building}`);
      const url = new URL(serverUrl);
      url.pathname = `/${building}`;
      const database = await openDatabase({ kind: "postgres", url: url.toString(), poolSize: 1 });
      try {
        await database.migrate();
      } finally {
        await database.close();
      }
      await admin.query(`alter database ${building} rename to ${name}`);
    } finally {
      await admin.query("select pg_advisory_unlock(hashtext('siyu test template'))");
    }
  });
  return name;
}
