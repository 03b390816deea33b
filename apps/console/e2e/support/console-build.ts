import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
/** Where the browser tests leave their screenshots. */
export const artifactsDir = join(repoRoot, "artifacts/browser");

/** The server serves the console files that exist when it starts: build first when missing or stale. */
export function ensureConsoleBuild(): void {
  execFileSync(process.execPath, [join(repoRoot, "scripts/ensure-console-build.mjs")], { cwd: repoRoot, stdio: "inherit" });
  mkdirSync(artifactsDir, { recursive: true });
}
