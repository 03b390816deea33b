import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

const emptyDir = () => mkdtempSync(join(tmpdir(), "siyu-config-"));

describe("configuration", () => {
  it("has working defaults: port 8080, ./.siyu, embedded store, demo on", () => {
    const config = loadConfig({}, emptyDir());
    expect(config).toMatchObject({ port: 8080, dataDir: "./.siyu", demo: true, logLevel: "info" });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.access.sessionTtlHours).toBe(168);
  });

  it("reads siyu.config.json and lets environment variables override it", () => {
    const dir = emptyDir();
    writeFileSync(join(dir, "siyu.config.json"), JSON.stringify({ port: 9000, logLevel: "warn", access: { sessionTtlHours: 12 } }));
    const config = loadConfig({ PORT: "9100", SIYU_DEMO: "false" }, dir);
    expect(config).toMatchObject({ port: 9100, logLevel: "warn", demo: false, access: { sessionTtlHours: 12 } });
  });

  it("lists every bad value at once, naming the variable", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", SIYU_LOG_LEVEL: "loud", DATABASE_URL: "mysql://x", SIYU_SESSION_TTL_HOURS: "0", SIYU_DEMO: "maybe" }, emptyDir());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems).toContain("SIYU_DEMO (demo): must be true or false");
    expect(problems.join("\n")).toMatch(/PORT \(port\)/);
    expect(problems.join("\n")).toMatch(/SIYU_LOG_LEVEL \(logLevel\)/);
    expect(problems.join("\n")).toMatch(/DATABASE_URL \(databaseUrl\): must start with postgres/);
    expect(problems.join("\n")).toMatch(/SIYU_SESSION_TTL_HOURS/);
  });

  it("names unknown keys and broken JSON in the config file", () => {
    const dir = emptyDir();
    writeFileSync(join(dir, "siyu.config.json"), JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({}, dir)).toThrow(/prot/);
    writeFileSync(join(dir, "siyu.config.json"), JSON.stringify({ access: { sessionTtl: 1 } }));
    expect(() => loadConfig({}, dir)).toThrow(/sessionTtl/);
    writeFileSync(join(dir, "siyu.config.json"), "{ nope");
    expect(() => loadConfig({}, dir)).toThrow(/not valid JSON/);
    expect(() => loadConfig({ SIYU_CONFIG: "missing.json" }, dir)).toThrow(/does not exist/);
  });
});
