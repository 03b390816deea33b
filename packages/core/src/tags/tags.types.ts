// What the tags use cases share: their dependencies and row types.
import type { Db, Warehouse } from "@siyu/storage";
import { type SegmentRule } from "@siyu/contracts";
import type { Clock } from "../shared/clock";
import { type tagGroups, type tags } from "./tags.schema";

/**
 * The seam to the segments module: the live profile ids a segment rule matches now.
 * createCoreServices wires it to the segments evaluator; rule tags cannot be computed without it.
 */
export type EvaluateRule = (workspaceId: string, rule: SegmentRule, options: { now: Date }) => Promise<string[]>;

export interface TagsDeps {
  db: Db;
  clock: Clock;
  /** Quantile tags and the warehouse copy of tags need it; without it they are skipped or refused. */
  warehouse?: Warehouse;
  /** Identity's lookup: the live customer of each identifier (services.identity.profilesOfIdentifiers). */
  profilesOfIdentifiers: (workspaceId: string, identifiers: readonly { type: string; value: string }[]) => Promise<({ profileId: string | null } | { error: string })[]>;
  evaluateRule?: EvaluateRule;
}

export type TagRow = typeof tags.$inferSelect;
export type GroupRow = typeof tagGroups.$inferSelect;
