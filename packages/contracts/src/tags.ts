import { z } from "zod";
import { Id, IsoDateTime } from "./common";
import { ImportRowError } from "./imports";
import { SegmentRule } from "./segments";

// Tags: labels on customers. Manual tags are added and removed by operators (one by one, in
// bulk by API or by CSV); computed tags are kept up to date by Siyu from a rule (kind `rule`,
// a segment rule tree) or by ranking customers on a metric (kind `quantile`, e.g. spending
// power high / medium / low). Every change appends a tag.added / tag.removed profile event.

export const TAG_KINDS = ["manual", "rule", "quantile"] as const;
export const TagKind = z.enum(TAG_KINDS);
export type TagKind = z.infer<typeof TagKind>;

export const TAG_SOURCES = ["manual", "import", "computed"] as const;
export const TagSource = z.enum(TAG_SOURCES);
export type TagSource = z.infer<typeof TagSource>;

export const QUANTILE_METRICS = ["total_spend", "order_count", "event_count"] as const;
export const QuantileMetric = z.enum(QUANTILE_METRICS);
export type QuantileMetric = z.infer<typeof QuantileMetric>;

const TagName = z.string().trim().min(1).max(100);
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, { message: "must be a colour such as #1677ff" });

/** kind rule: the customers the rule matches hold the tag. */
export const RuleTagDefinition = z.strictObject({ rule: SegmentRule });
export type RuleTagDefinition = z.infer<typeof RuleTagDefinition>;

/**
 * One level of a quantile scheme, top first. `topPercent` is the share of ranked customers
 * (metric > 0) this level takes after the levels above it; the last level may leave it out
 * to take the rest. A level names its tag by id (existing) or by name (created in the group).
 */
export const QuantileLevel = z
  .strictObject({
    tagId: Id.optional(),
    tagName: TagName.optional(),
    topPercent: z.number().gt(0).max(100).optional(),
  })
  .refine((l) => l.tagId !== undefined || l.tagName !== undefined, { message: "name the level's tag by tagId or tagName" });
export type QuantileLevel = z.infer<typeof QuantileLevel>;

/**
 * kind quantile: customers ranked by a metric (all time, or the last `windowDays` days) are
 * split into levels. Defaults a new scheme starts with: high = top 20 %, medium = next 30 %,
 * low = the rest with a metric above 0. The scheme is stored on every level's tag.
 */
export const QuantileTagDefinition = z
  .strictObject({
    metric: QuantileMetric,
    /** event_count only: the event counted (all events when absent). */
    event: z.string().min(1).max(200).optional(),
    windowDays: z.number().int().min(1).max(3650).optional(),
    levels: z.array(QuantileLevel).min(1).max(10),
  })
  .superRefine((d, ctx) => {
    let total = 0;
    d.levels.forEach((l, i) => {
      if (l.topPercent === undefined && i !== d.levels.length - 1) {
        ctx.addIssue({ code: "custom", path: ["levels", i, "topPercent"], message: "only the last level may take the rest" });
      }
      total += l.topPercent ?? 0;
    });
    if (total > 100) ctx.addIssue({ code: "custom", path: ["levels"], message: "the levels' topPercent add up to more than 100" });
  });
export type QuantileTagDefinition = z.infer<typeof QuantileTagDefinition>;

export const TagGroupDto = z.object({
  id: Id,
  name: z.string(),
  description: z.string().nullable(),
  /** A customer holds at most one tag of an exclusive group. */
  exclusive: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type TagGroupDto = z.infer<typeof TagGroupDto>;

export const CreateTagGroupBody = z.strictObject({
  name: TagName,
  description: z.string().trim().max(500).nullable().optional(),
  exclusive: z.boolean().default(false),
});
export type CreateTagGroupBody = z.infer<typeof CreateTagGroupBody>;

export const UpdateTagGroupBody = z.strictObject({
  name: TagName.optional(),
  description: z.string().trim().max(500).nullable().optional(),
  exclusive: z.boolean().optional(),
});
export type UpdateTagGroupBody = z.infer<typeof UpdateTagGroupBody>;

export const TagDto = z.object({
  id: Id,
  groupId: Id.nullable(),
  name: z.string(),
  color: z.string().nullable(),
  kind: TagKind,
  /** null for manual tags; { rule } or the quantile scheme (levels by tagId) otherwise. */
  definition: z.record(z.string(), z.unknown()).nullable(),
  /** Live customers holding the tag now (GET /tags only). */
  holders: z.number().int().optional(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  lastComputedAt: IsoDateTime.nullable(),
});
export type TagDto = z.infer<typeof TagDto>;

export const TagListDto = z.object({ groups: z.array(TagGroupDto), tags: z.array(TagDto) });
export type TagListDto = z.infer<typeof TagListDto>;

export const CreateTagBody = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("manual"), name: TagName, groupId: Id.nullable().optional(), color: Color.nullable().optional() }),
  z.strictObject({ kind: z.literal("rule"), name: TagName, groupId: Id.nullable().optional(), color: Color.nullable().optional(), definition: RuleTagDefinition }),
  /** Creates (or reuses, by name) every level's tag in the group; `name` must be one of the levels. */
  z.strictObject({ kind: z.literal("quantile"), name: TagName, groupId: Id, color: Color.nullable().optional(), definition: QuantileTagDefinition }),
]);
export type CreateTagBody = z.infer<typeof CreateTagBody>;

export const UpdateTagBody = z.strictObject({
  name: TagName.optional(),
  groupId: Id.nullable().optional(),
  color: Color.nullable().optional(),
  /** Must fit the tag's kind: { rule } for rule tags, the scheme for quantile tags (all its levels change). */
  definition: z.record(z.string(), z.unknown()).optional(),
});
export type UpdateTagBody = z.infer<typeof UpdateTagBody>;

export const TagIdentifier = z.strictObject({ type: z.string().min(1).max(60), value: z.string().min(1).max(255) });
export type TagIdentifier = z.infer<typeof TagIdentifier>;

export const AssignTagBody = z
  .strictObject({
    profileIds: z.array(z.string().max(100)).max(10_000).optional(),
    identifiers: z.array(TagIdentifier).max(10_000).optional(),
  })
  .refine((b) => (b.profileIds?.length ?? 0) + (b.identifiers?.length ?? 0) > 0, { message: "give profileIds or identifiers", path: ["profileIds"] });
export type AssignTagBody = z.infer<typeof AssignTagBody>;

/** One item of a bulk assign / unassign, in the order given: profile ids first, then identifiers. */
export const TagAssignItemDto = z.object({
  profileId: z.string().optional(),
  identifier: TagIdentifier.optional(),
  /** The live customer the item names (null when unknown). */
  liveProfileId: Id.nullable(),
  /** changed: added / removed now; unchanged: held already (assign) or not held (unassign). */
  status: z.enum(["changed", "unchanged", "unknown_profile", "invalid"]),
  reason: z.string().optional(),
});
export type TagAssignItemDto = z.infer<typeof TagAssignItemDto>;

export const TagAssignResultDto = z.object({
  changed: z.number().int(),
  unchanged: z.number().int(),
  unknown: z.number().int(),
  items: z.array(TagAssignItemDto),
});
export type TagAssignResultDto = z.infer<typeof TagAssignResultDto>;

export const TagImportReportDto = z.object({
  rows: z.number().int(),
  added: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  errors: z.array(ImportRowError),
  errorsOmitted: z.number().int(),
});
export type TagImportReportDto = z.infer<typeof TagImportReportDto>;

export const ProfileTagDto = z.object({
  tagId: Id,
  name: z.string(),
  color: z.string().nullable(),
  kind: TagKind,
  groupId: Id.nullable(),
  groupName: z.string().nullable(),
  source: TagSource,
  addedAt: IsoDateTime,
  addedBy: z.string().nullable(),
});
export type ProfileTagDto = z.infer<typeof ProfileTagDto>;

export const ProfileTagListDto = z.object({ items: z.array(ProfileTagDto) });
export type ProfileTagListDto = z.infer<typeof ProfileTagListDto>;

export const AddProfileTagBody = z.strictObject({ tagId: Id });
export type AddProfileTagBody = z.infer<typeof AddProfileTagBody>;

export const TagRecomputeDto = z.object({ added: z.number().int(), removed: z.number().int(), holders: z.number().int(), computedAt: IsoDateTime });
export type TagRecomputeDto = z.infer<typeof TagRecomputeDto>;

export const TagSettingsDto = z.object({
  /** How often the worker recomputes the workspace's rule and quantile tags. */
  recomputeIntervalMinutes: z.number().int().min(5).max(10_080),
});
export type TagSettingsDto = z.infer<typeof TagSettingsDto>;
export const UpdateTagSettingsBody = TagSettingsDto.partial().strict();
export type UpdateTagSettingsBody = z.infer<typeof UpdateTagSettingsBody>;

export const TagParams = z.strictObject({ workspaceId: Id, tagId: Id });
export const TagGroupParams = z.strictObject({ workspaceId: Id, groupId: Id });
export const ProfileTagParams = z.strictObject({ workspaceId: Id, profileId: Id, tagId: Id });
export const TagImportQuery = z.strictObject({ fileName: z.string().trim().min(1).max(200).optional() });
