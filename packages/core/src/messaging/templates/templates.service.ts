import { and, asc, eq, inArray } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { TemplateBody, TemplateContent, type Channel, type ConsentPurpose, type Locale, type TemplateDto, type TemplateInput, type TemplatePreviewBody, type TemplatePreviewDto } from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { newId } from "../../shared/ids";
import { DEFAULT_TIME_ZONE } from "../../workspaces";
import { rows } from "../../shared/sql-rows";
import { sql } from "@siyu/storage/orm";
import { loadProfileFacts } from "../dispatch/profile-facts";
import { renderContext } from "../dispatch/render-row";
import { messagingErrors } from "../messaging.errors";
import { missingVariables, renderContent, templateVariables } from "./liquid";
import { messageTemplates } from "./templates.schema";

type TemplateRow = typeof messageTemplates.$inferSelect;

function toDto(r: TemplateRow): TemplateDto {
  return {
    id: r.id,
    name: r.name,
    channel: r.channel as Channel,
    purpose: r.purpose as ConsentPurpose,
    content: r.content as TemplateDto["content"],
    defaultLocale: r.defaultLocale as Locale,
    variables: r.variables,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Validates a body: Liquid that parses in every field, a default language the content has. */
function prepare(input: TemplateInput): { body: TemplateBody; variables: string[] } {
  const body = TemplateBody.parse(input);
  if (!(body.defaultLocale in body.content)) {
    throw messagingErrors.error("messaging.locale_missing", `defaultLocale ${body.defaultLocale} has no content`, { field: "defaultLocale" });
  }
  return { body, variables: templateVariables(body.content) };
}

/** What the journeys engine checks at publish: each template's channel, purpose and variables. */
export async function templateFacts(db: Db, workspaceId: string, ids: readonly string[]): Promise<Map<string, { channel: Channel; purpose: ConsentPurpose; variables: string[] }>> {
  if (ids.length === 0) return new Map();
  const found = await db
    .select({ id: messageTemplates.id, channel: messageTemplates.channel, purpose: messageTemplates.purpose, variables: messageTemplates.variables })
    .from(messageTemplates)
    .where(and(eq(messageTemplates.workspaceId, workspaceId), inArray(messageTemplates.id, [...new Set(ids)])));
  return new Map(found.map((t) => [t.id, { channel: t.channel as Channel, purpose: t.purpose as ConsentPurpose, variables: t.variables }]));
}

export function createTemplatesService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const find = async (ctx: WorkspaceContext, id: string): Promise<TemplateRow> => {
    const [row] = await db.select().from(messageTemplates).where(and(eq(messageTemplates.workspaceId, ctx.workspaceId), eq(messageTemplates.id, id)));
    if (!row) throw messagingErrors.error("messaging.template_not_found", `No message template ${id}`);
    return row;
  };
  return {
    async list(ctx: WorkspaceContext): Promise<TemplateDto[]> {
      return (await db.select().from(messageTemplates).where(eq(messageTemplates.workspaceId, ctx.workspaceId)).orderBy(asc(messageTemplates.name), asc(messageTemplates.id))).map(toDto);
    },
    get: async (ctx: WorkspaceContext, id: string) => toDto(await find(ctx, id)),
    async create(ctx: WorkspaceContext, input: TemplateInput): Promise<TemplateDto> {
      const { body, variables } = prepare(input);
      const now = clock.now();
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(messageTemplates)
          .values({ id: newId(), workspaceId: ctx.workspaceId, ...body, content: body.content as TemplateRow["content"], variables, createdAt: now, updatedAt: now })
          .returning();
        await appendAuditEntry(tx, clock, ctx, { action: "messaging.template_created", targetType: "message_template", targetId: row!.id, summary: `Template ${body.name} created` });
        return toDto(row!);
      });
    },
    async update(ctx: WorkspaceContext, id: string, input: TemplateInput): Promise<TemplateDto> {
      const { body, variables } = prepare(input);
      await find(ctx, id);
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(messageTemplates)
          .set({ ...body, content: body.content as TemplateRow["content"], variables, updatedAt: clock.now() })
          .where(and(eq(messageTemplates.workspaceId, ctx.workspaceId), eq(messageTemplates.id, id)))
          .returning();
        await appendAuditEntry(tx, clock, ctx, { action: "messaging.template_updated", targetType: "message_template", targetId: id, summary: `Template ${body.name} updated` });
        return toDto(row!);
      });
    },
    async remove(ctx: WorkspaceContext, id: string): Promise<void> {
      const row = await find(ctx, id);
      await db.transaction(async (tx) => {
        await tx.delete(messageTemplates).where(and(eq(messageTemplates.workspaceId, ctx.workspaceId), eq(messageTemplates.id, id)));
        await appendAuditEntry(tx, clock, ctx, { action: "messaging.template_deleted", targetType: "message_template", targetId: id, summary: `Template ${row.name} deleted` });
      });
    },
    /** Renders for a given profile (or a sample customer: the workspace's most recent one) without sending. */
    async preview(ctx: WorkspaceContext, id: string, body: TemplatePreviewBody): Promise<TemplatePreviewDto> {
      const t = toDto(await find(ctx, id));
      const locale = body.locale ?? t.defaultLocale;
      const content = t.content[locale];
      if (!content) throw messagingErrors.error("messaging.locale_missing", `Template has no ${locale} content`, { field: "locale" });
      let profileId = body.profileId ?? null;
      if (!profileId) {
        const [sample] = await rows<{ id: string }>(db, sql`select id from profiles where workspace_id = ${ctx.workspaceId}::uuid and merged_into is null order by last_seen_at desc nulls last limit 1`);
        profileId = sample?.id ?? null;
      }
      const facts = profileId ? (await loadProfileFacts(db, [profileId])).get(profileId) : undefined;
      if (body.profileId && (!facts || facts.workspaceId !== ctx.workspaceId)) throw messagingErrors.error("messaging.profile_not_found", `No customer ${body.profileId}`);
      const [ws] = await rows<{ name: string; timezone: string }>(db, sql`select name, timezone from workspaces where id = ${ctx.workspaceId}::uuid`);
      const context = renderContext(body.variables, facts, { workspaceName: ws?.name ?? "", unsubscribeUrl: "https://example.invalid/u/preview" });
      let rendered: TemplateContent;
      try {
        rendered = await renderContent(TemplateContent.parse(content), context, ws?.timezone ?? DEFAULT_TIME_ZONE);
      } catch (error) {
        throw messagingErrors.error("messaging.invalid_template", `content.${locale}: ${error instanceof Error ? error.message : String(error)}`, { field: `content.${locale}` });
      }
      return { locale, rendered, missing: missingVariables(t.variables, context) };
    },
  };
}
export type TemplatesService = ReturnType<typeof createTemplatesService>;
