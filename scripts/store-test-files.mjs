// Prints the test files under the given folders and files that reach the system of record — the
// ones worth running again on a PostgreSQL server (`npm run test:pg`). The rest (rules engines, the
// warehouse's DuckDB queries, the embedded store's own folder) run the same whatever
// DATABASE_URL_TEST says, so CI runs them once, under `npm test`.
//
// A file reaches the store when it, or a helper it imports by a relative path (not an index, which
// re-exports everything), calls openTestDatabase, createServerTestDatabase or testServerUrl, or
// reads DATABASE_URL_TEST (a child process it starts gets the variable).
//
//   node scripts/store-test-files.mjs packages/ apps/server/src/crash/ [--skipped]
// --skipped prints the files left out instead.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve, relative } from "node:path";

const REACHES_STORE = /\b(openTestDatabase|createServerTestDatabase|testServerUrl)\(|DATABASE_URL_TEST/;
const RELATIVE_IMPORT = /\bfrom\s+["'](\.{1,2}\/[^"']+)["']/g;

const args = process.argv.slice(2);
const skipped = args.includes("--skipped");
const roots = args.filter((a) => a !== "--skipped");
if (roots.length === 0) {
  console.error("usage: node scripts/store-test-files.mjs <folder or test file>… [--skipped]");
  process.exit(2);
}

const tests = [];
const walk = (path) => {
  if (path.includes("node_modules")) return;
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
  else if (path.endsWith(".test.ts")) tests.push(path);
};
for (const root of roots) walk(root);

// Each test file's imports walked afresh (no memory across files): a helper met again inside an
// import cycle answers false for that path only, which a cache would keep for every file after.
function reachesStore(file, visiting = new Set()) {
  if (visiting.has(file)) return false;
  visiting.add(file);
  const text = readFileSync(file, "utf8");
  let reaches = REACHES_STORE.test(text);
  for (const [, target] of reaches ? [] : text.matchAll(RELATIVE_IMPORT)) {
    const base = resolve(dirname(file), target);
    const helper = [base, `${base}.ts`].find((c) => c.endsWith(".ts") && !c.endsWith("index.ts") && existsSync(c));
    if (helper && reachesStore(helper, visiting)) {
      reaches = true;
      break;
    }
  }
  return reaches;
}

for (const test of tests) if (reachesStore(resolve(test)) !== skipped) console.log(relative(process.cwd(), resolve(test)));
