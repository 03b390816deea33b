// CSV import of tag holders, with a row-level error report.
import { eq } from "@siyu/storage/orm";
import { type ImportRowError, type TagImportReportDto } from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import { parseCsv } from "../imports";
import { type WorkspaceContext } from "../shared/context";
import { tagErrors } from "./tags.errors";
import { addHolders, type ChangeContext } from "./tags.repository";
import { tagGroups, tags } from "./tags.schema";
import { exclusiveSiblings, resolveItems } from "./tag-holders";
import { type TagRow, type TagsDeps } from "./tags.types";

// ---------------------------------------------------------------- CSV import

const MAX_REPORTED_ERRORS = 1000;
/** Columns naming the customer directly; identifier_type + identifier_value name any type. */
const IDENTIFIER_COLUMNS = ["phone", "user_id", "email", "wechat_unionid", "wecom_external_userid", "tmall_id", "douyin_openid"];

export async function importCsv(
  deps: TagsDeps,
  ctx: WorkspaceContext,
  text: string,
  options: { fileName?: string },
): Promise<{ report: TagImportReportDto; affected: string[] }> {
  const records = parseCsv(text);
  const header = records.shift();
  if (!header) throw tagErrors.error("tags.invalid_csv", "The file is empty; line 1 must be a header.", { field: "header" });
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  const col = (name: string) => columns.indexOf(name);
  const typeCol = col("identifier_type");
  const valueCol = col("identifier_value");
  const profileCol = col("profile_id");
  const idCols = IDENTIFIER_COLUMNS.map((type) => ({ type, index: col(type) })).filter((c) => c.index >= 0);
  const tagCol = col("tag");
  const tagIdCol = col("tag_id");
  const groupCol = col("group");
  if (tagCol < 0 && tagIdCol < 0) throw tagErrors.error("tags.invalid_csv", "Line 1 needs a tag column (the tag's name) or tag_id.", { field: "tag" });
  if ((typeCol < 0) !== (valueCol < 0)) throw tagErrors.error("tags.invalid_csv", "identifier_type and identifier_value come together.", { field: typeCol < 0 ? "identifier_type" : "identifier_value" });
  if (typeCol < 0 && profileCol < 0 && idCols.length === 0) {
    throw tagErrors.error("tags.invalid_csv", `Line 1 needs a column naming the customer: identifier_type + identifier_value, profile_id, or one of ${IDENTIFIER_COLUMNS.join(", ")}.`, {
      field: "identifier_type",
    });
  }

  const allTags = await deps.db.select().from(tags).where(eq(tags.workspaceId, ctx.workspaceId));
  const groups = await deps.db.select().from(tagGroups).where(eq(tagGroups.workspaceId, ctx.workspaceId));
  const errors: ImportRowError[] = [];
  let rejected = 0;
  const reject = (line: number, field: string, reason: string) => {
    rejected += 1;
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line, field, reason });
  };

  interface Row {
    line: number;
    tag: TagRow;
    field: string;
    profileId?: string;
    identifier?: { type: string; value: string };
  }
  const rowsOk: Row[] = [];
  let rowCount = 0;
  for (const record of records) {
    const cell = (i: number) => (i >= 0 ? (record.fields[i] ?? "").trim() : "");
    if (record.fields.every((f) => f.trim() === "")) continue;
    rowCount += 1;
    if (record.problem) {
      reject(record.line, "row", record.problem);
      continue;
    }
    // The tag
    let tag: TagRow | undefined;
    if (tagIdCol >= 0 && cell(tagIdCol)) {
      tag = allTags.find((t) => t.id === cell(tagIdCol));
      if (!tag) {
        reject(record.line, "tag_id", "no such tag");
        continue;
      }
    } else {
      const name = cell(tagCol);
      if (!name) {
        reject(record.line, tagCol >= 0 ? "tag" : "tag_id", "is empty");
        continue;
      }
      const groupName = cell(groupCol);
      const group = groupName ? groups.find((g) => g.name === groupName) : undefined;
      if (groupName && !group) {
        reject(record.line, "group", `no tag group named ${groupName}`);
        continue;
      }
      const matches = allTags.filter((t) => t.name === name && (!group || t.groupId === group.id));
      if (matches.length === 0) {
        reject(record.line, "tag", `no tag named ${name}`);
        continue;
      }
      if (matches.length > 1) {
        reject(record.line, "tag", `${matches.length} tags are named ${name}; add a group column`);
        continue;
      }
      tag = matches[0]!;
    }
    if (tag.kind !== "manual") {
      reject(record.line, tagIdCol >= 0 && cell(tagIdCol) ? "tag_id" : "tag", `${tag.name} is computed; it cannot be imported`);
      continue;
    }
    // The customer: the first filled column of identifier_type/value, profile_id, then the identifier columns.
    if (typeCol >= 0 && (cell(typeCol) || cell(valueCol))) {
      if (!cell(typeCol)) reject(record.line, "identifier_type", "is empty");
      else if (!cell(valueCol)) reject(record.line, "identifier_value", "is empty");
      else rowsOk.push({ line: record.line, tag, field: "identifier_value", identifier: { type: cell(typeCol), value: cell(valueCol) } });
      continue;
    }
    if (profileCol >= 0 && cell(profileCol)) {
      rowsOk.push({ line: record.line, tag, field: "profile_id", profileId: cell(profileCol) });
      continue;
    }
    const filled = idCols.find((c) => cell(c.index));
    if (!filled) {
      reject(record.line, idCols[0]?.type ?? (profileCol >= 0 ? "profile_id" : "identifier_value"), "names no customer: the column is empty");
      continue;
    }
    rowsOk.push({ line: record.line, tag, field: filled.type, identifier: { type: filled.type, value: cell(filled.index) } });
  }

  let added = 0;
  let unchanged = 0;
  const affected = new Set<string>();
  const named = {
    profileIds: rowsOk.flatMap((r) => (r.profileId ? [r.profileId] : [])),
    identifiers: rowsOk.flatMap((r) => (r.identifier ? [r.identifier] : [])),
  };
  const found = await deps.profilesOfIdentifiers(ctx.workspaceId, named.identifiers);
  await deps.db.transaction(async (tx) => {
    const resolved = await resolveItems(tx, ctx.workspaceId, named, found);
    // resolveItems answers profile ids first, then identifiers: line them up with the rows.
    const ordered = [...rowsOk.filter((r) => r.profileId), ...rowsOk.filter((r) => r.identifier)];
    const byTag = new Map<string, { tag: TagRow; rows: { row: Row; live: string }[] }>();
    ordered.forEach((row, i) => {
      const item = resolved.items[i]!;
      if (!item.liveProfileId) {
        reject(row.line, row.field, item.reason ?? "no such customer");
        return;
      }
      let entry = byTag.get(row.tag.id);
      if (!entry) byTag.set(row.tag.id, (entry = { tag: row.tag, rows: [] }));
      entry.rows.push({ row, live: item.liveProfileId });
    });
    const change: ChangeContext = { workspaceId: ctx.workspaceId, source: "import", addedBy: ctx.actor.name, now: deps.clock.now() };
    for (const { tag, rows: tagRows } of byTag.values()) {
      const gained = new Set(await addHolders(tx, change, { id: tag.id, name: tag.name }, tagRows.map((r) => r.live), await exclusiveSiblings(tx, tag)));
      if (gained.size > 0) for (const r of tagRows) affected.add(r.live);
      for (const r of tagRows) {
        if (gained.delete(r.live)) added += 1;
        else unchanged += 1;
      }
    }
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "tag.imported",
      targetType: "tag",
      targetId: null,
      summary: `Imported tags${options.fileName ? ` from ${options.fileName}` : ""}: ${rowCount} rows, ${added} added, ${unchanged} unchanged, ${rejected} rejected`,
      after: { rows: rowCount, added, unchanged, rejected },
    });
  });
  errors.sort((a, b) => a.line - b.line);
  return { report: { rows: rowCount, added, unchanged, rejected, errors, errorsOmitted: rejected - errors.length }, affected: [...affected] };
}
