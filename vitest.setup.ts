import { afterAll, beforeAll } from "vitest";

/**
 * Run around every test file. A worker runs its files one after another in one process and module
 * graph (`isolate: false` in the Vitest configs), so a file that changes the process's environment
 * or replaces a global and leaves it so changes the files after it: such a file fails here, naming
 * what it left behind.
 */

const GLOBALS = ["fetch", "setTimeout", "setInterval", "Date"] as const;

let env: Record<string, string | undefined>;
let globals: unknown[];

beforeAll(() => {
  env = { ...process.env };
  globals = GLOBALS.map((name) => globalThis[name]);
});

afterAll(() => {
  const changed = [...new Set([...Object.keys(env), ...Object.keys(process.env)])].filter((key) => env[key] !== process.env[key]).map((key) => `process.env.${key}`);
  GLOBALS.forEach((name, i) => {
    if (globalThis[name] !== globals[i]) changed.push(`globalThis.${name}`);
  });
  if (changed.length > 0) {
    throw new Error(`This test file left ${changed.join(", ")} changed; the next files of its worker would see it (isolate: false). Put it back in afterEach / afterAll.`);
  }
});
