// `npm start` runs this first: builds the console when its bundle is missing or
// older than its sources, so the two-command quick start always serves a console.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
const consoleDir = join(root, "apps/console");
const built = join(consoleDir, "dist/index.html");
const contracts = join(root, "packages/contracts/src");

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const sourcesChanged = () =>
  Math.max(newest(join(consoleDir, "src")), statSync(join(consoleDir, "index.html")).mtimeMs, newest(contracts)) >
  statSync(built).mtimeMs;

if (!existsSync(built) || sourcesChanged()) {
  console.log("Building the console…");
  const result = spawnSync("npm", ["run", "build", "-w", "@siyu/console"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
