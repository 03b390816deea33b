#!/usr/bin/env node
// The `siyu` command. It runs the TypeScript sources, no build step needed: the server's sources are
// bundled into one module by esbuild (apps/server/.cache/siyu.mjs, built again whenever a source is
// newer than it, or than this file), because loading one module takes under two seconds where loading
// the ~600 source files one by one through tsx's module hooks took nearly three (every `siyu` command,
// every server start).
// Packages from node_modules stay outside the bundle, and each source keeps its own import.meta.url,
// so the paths it builds from it (the migrations, the console's build, a worker thread's module) are
// those of the source tree.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const entry = join(root, "apps/server/src/main.ts");
const bundle = join(root, "apps/server/.cache/siyu.mjs");

/** The newest modification time of a TypeScript source or package.json under the folders, in ms. */
function newestSource(folders) {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") || entry.name === "package.json") newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const folder of folders) walk(join(root, folder));
  return newest;
}

function builtAt() {
  try {
    return statSync(bundle).mtimeMs;
  } catch {
    return -1;
  }
}

async function build() {
  const esbuild = await import("esbuild");
  // Built in a folder of its own, then moved into place map first: a process starting meanwhile never
  // loads half a file, and the module's link to its source map (siyu.mjs.map) holds after the move.
  const partial = join(dirname(bundle), `build-${process.pid}`);
  mkdirSync(partial, { recursive: true });
  try {
    await esbuild.build({
      entryPoints: [entry],
      outfile: join(partial, "siyu.mjs"),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      // Stack traces name the TypeScript sources (process.setSourceMapsEnabled below).
      sourcemap: "linked",
      logLevel: "error",
      plugins: [sourcesOnly],
    });
    renameSync(join(partial, "siyu.mjs.map"), `${bundle}.map`);
    renameSync(join(partial, "siyu.mjs"), bundle);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** Bundles Siyu's own packages (@siyu/*) and loads every other package from node_modules; each source keeps its own import.meta.url. */
const sourcesOnly = {
  name: "siyu-sources",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@siyu/") ? undefined : { path: args.path, external: true }));
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      return { contents: text.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" };
    });
  },
};

/** Whether the bundle is there and newer than every source and this file, built now when it is not and can be. */
async function bundleReady() {
  const newest = Math.max(newestSource(["apps/server", "packages"]), statSync(fileURLToPath(import.meta.url)).mtimeMs);
  if (builtAt() >= newest) return true;
  try {
    await build();
    return true;
  } catch (error) {
    // A checkout this user cannot write to (an image's read-only file system): the sources as they are.
    if (!["EACCES", "EPERM", "EROFS"].includes(error?.code)) throw error;
    return false;
  }
}

if (await bundleReady()) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
