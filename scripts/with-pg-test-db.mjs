// Runs a command with DATABASE_URL_TEST pointing at a PostgreSQL server, so the
// whole suite runs on the server instead of embedded PGlite. Under CI=true a
// missing server is a failure; elsewhere the run is skipped with the reason.
import { spawnSync } from "node:child_process";
import pg from "pg";

const url = process.env.DATABASE_URL_TEST || "postgres://postgres@127.0.0.1:5432/test";
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
try {
  await client.connect();
  await client.query("select 1");
  await client.end();
} catch (error) {
  const reason = `PostgreSQL server not reachable at ${url}: ${error.message}`;
  if (process.env.CI === "true") {
    console.error(`FAIL: ${reason}`);
    process.exit(1);
  }
  console.log(`SKIPPED the PostgreSQL-server run: ${reason}`);
  process.exit(0);
}
const [command, ...args] = process.argv.slice(2);
console.log(`Running on the PostgreSQL server at ${url}`);
const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, DATABASE_URL_TEST: url }, shell: process.platform === "win32" });
process.exit(result.status ?? 1);
