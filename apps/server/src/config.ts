import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { AccessSettings, DEFAULT_GROUP_COMMIT_SETTINGS, IngestSettings, type GroupCommitSettings } from "@siyu/core";
import { DEFAULT_MAINTENANCE_OPTIONS, DEFAULT_NAMED_STATEMENTS } from "@siyu/storage";

/**
 * Every setting of a Siyu process. This file is the only reader of process.env:
 * env vars override the optional JSON config file, and one schema validates both.
 */
export const SiyuConfig = z.strictObject({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default("0.0.0.0"),
  dataDir: z.string().min(1).default("./.siyu"),
  /** Set to use a PostgreSQL server as the system of record instead of the embedded PGlite. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: "must start with postgres:// or postgresql://" })
    .optional(),
  publicUrl: z.url({ message: "must be a URL such as https://siyu.example.com" }).optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  demo: z.union([z.boolean(), z.stringbool()], { error: "must be true or false" }).default(true),
  /** Members of the demo brand; their months of behaviour load in the background after start. */
  demoMembers: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
  bodyLimitBytes: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
  trustProxy: z.union([z.boolean(), z.stringbool()], { error: "must be true or false" }).default(false),
  rateLimitPerIpPerMinute: z.coerce.number().int().min(1).default(600),
  rateLimitPerKeyPerMinute: z.coerce.number().int().min(1).default(6000),
  /** The member API (/member/v1/*), per member token. */
  rateLimitPerMemberPerMinute: z.coerce.number().int().min(1).default(300),
  access: AccessSettings.default(AccessSettings.parse({})),
  ingest: IngestSettings.strict().default(IngestSettings.parse({})),
  /** Bodies of the tracking endpoints (/v1/*) may be larger than admin requests: SDKs send batches. */
  ingestBodyLimitBytes: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(4 * 1024 * 1024),
  /**
   * How long an outbox row stays `sending` before another dispatcher may take it again (its own died
   * mid-delivery); the retry goes out with the same message id.
   */
  messagingLeaseSeconds: z.coerce.number().int().min(1).max(86_400).default(300),
  /**
   * Consumers off the path from an event to a customer's message (loyalty's orders, tasks and
   * activities; the warehouse loader) wait this long after a batch before the next (0: back to back).
   */
  backgroundBatchPauseMs: z.coerce.number().int().min(0).max(60_000).default(500),
  /**
   * The most points awards, adjustments, redemptions or coupon redemptions one shared transaction takes
   * (group commit); calls beyond it wait for the next one.
   */
  groupCommitMaxBatch: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_GROUP_COMMIT_SETTINGS.maxBatch),
  /**
   * With DATABASE_URL: how many of those transactions may run at once, each on its own connection
   * (one member's or order's calls always share one). The embedded store has one connection: 1 there.
   */
  groupCommitLanes: z.coerce.number().int().min(1).max(32).default(2),
  /**
   * With DATABASE_URL: how many statement texts run as named prepared statements (parsed once per
   * connection). 0 sends every statement unnamed, for a connection pooler in transaction mode that
   * cannot keep prepared statements (PgBouncer before 1.21, or without max_prepared_statements).
   */
  databaseNamedStatements: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_NAMED_STATEMENTS),
  /**
   * The embedded store has no autovacuum: this often, its tables that changed enough are vacuumed and
   * analysed (0 turns it off). A PostgreSQL server's autovacuum does this itself.
   */
  embeddedMaintenanceSeconds: z.coerce.number().int().min(0).max(86_400).default(60),
  /** How much a table's size must have moved since its last analyse (a share of it) before it is processed again. */
  embeddedMaintenanceGrowth: z.coerce.number().min(0.01).max(10).default(DEFAULT_MAINTENANCE_OPTIONS.growth),
  /**
   * The maintenance's analyse samples 300 × this many rows per table (PostgreSQL's own default is 100):
   * the embedded store waits for each analyse, so a smaller sample is a shorter pause.
   */
  embeddedStatisticsTarget: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_MAINTENANCE_OPTIONS.statisticsTarget),
});
export type SiyuConfig = z.infer<typeof SiyuConfig>;
export type SiyuConfigInput = z.input<typeof SiyuConfig>;

/** Environment variables and the config key each one sets (the README's configuration table). */
export const ENV_KEYS = {
  PORT: "port",
  HOST: "host",
  SIYU_DATA_DIR: "dataDir",
  DATABASE_URL: "databaseUrl",
  SIYU_PUBLIC_URL: "publicUrl",
  SIYU_LOG_LEVEL: "logLevel",
  SIYU_DEMO: "demo",
  SIYU_DEMO_MEMBERS: "demoMembers",
  SIYU_BODY_LIMIT_BYTES: "bodyLimitBytes",
  SIYU_TRUST_PROXY: "trustProxy",
  SIYU_RATE_LIMIT_PER_IP: "rateLimitPerIpPerMinute",
  SIYU_RATE_LIMIT_PER_KEY: "rateLimitPerKeyPerMinute",
  SIYU_RATE_LIMIT_PER_MEMBER: "rateLimitPerMemberPerMinute",
  SIYU_INGEST_BODY_LIMIT_BYTES: "ingestBodyLimitBytes",
  SIYU_MESSAGING_LEASE_SECONDS: "messagingLeaseSeconds",
  SIYU_GROUP_COMMIT_MAX_BATCH: "groupCommitMaxBatch",
  SIYU_GROUP_COMMIT_LANES: "groupCommitLanes",
  SIYU_DATABASE_NAMED_STATEMENTS: "databaseNamedStatements",
  SIYU_BACKGROUND_BATCH_PAUSE_MS: "backgroundBatchPauseMs",
  SIYU_EMBEDDED_MAINTENANCE_SECONDS: "embeddedMaintenanceSeconds",
  SIYU_EMBEDDED_MAINTENANCE_GROWTH: "embeddedMaintenanceGrowth",
  SIYU_EMBEDDED_STATISTICS_TARGET: "embeddedStatisticsTarget",
} as const satisfies Record<string, keyof SiyuConfig>;

export const ACCESS_ENV_KEYS = {
  SIYU_SESSION_TTL_HOURS: "sessionTtlHours",
  SIYU_INVITATION_TTL_HOURS: "invitationTtlHours",
} as const satisfies Record<string, keyof AccessSettings>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads the config file named by SIYU_CONFIG (default ./siyu.config.json when it
 * exists), applies env vars on top, and validates. Every bad value is listed.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): SiyuConfig {
  const problems: string[] = [];
  const fileValues = readConfigFile(env.SIYU_CONFIG, cwd, problems);
  const merged: Record<string, unknown> = { ...fileValues };
  const sources = new Map<string, string>();
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== "") {
      merged[key] = value;
      sources.set(key, name);
    }
  }
  const access: Record<string, unknown> = { ...(fileValues.access as Record<string, unknown> | undefined) };
  for (const [name, key] of Object.entries(ACCESS_ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== "") {
      access[key] = Number(value);
      sources.set(`access.${key}`, name);
    }
  }
  merged.access = access;
  return parseConfig(merged, sources, problems);
}

export function parseConfig(values: SiyuConfigInput | Record<string, unknown>, sources = new Map<string, string>(), problems: string[] = []) {
  const result = SiyuConfig.safeParse(values);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.join(".") || "(root)";
      const source = sources.get(key);
      problems.push(`${source ? `${source} (${key})` : key}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

function readConfigFile(path: string | undefined, cwd: string, problems: string[]): Record<string, unknown> {
  const file = resolve(cwd, path ?? "siyu.config.json");
  if (!existsSync(file)) {
    if (path) problems.push(`SIYU_CONFIG: file ${file} does not exist`);
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      problems.push(`${file}: must hold a JSON object`);
      return {};
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    problems.push(`${file}: not valid JSON (${(error as Error).message})`);
    return {};
  }
}

/** The group committers' settings for this store: lanes on a PostgreSQL server only (the embedded store has one connection). */
export function groupCommitOf(config: SiyuConfig, store: { kind: "pglite" | "postgres" }): GroupCommitSettings {
  return { maxBatch: config.groupCommitMaxBatch, lanes: store.kind === "postgres" ? config.groupCommitLanes : 1 };
}

export function publicUrlOf(config: SiyuConfig, boundPort?: number): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/$/, "");
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  return `http://${host}:${boundPort ?? config.port}`;
}
