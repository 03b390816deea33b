import { TemplateContent, type Locale } from "@siyu/contracts";
import { pickLocale, renderContent } from "../templates/liquid";
import { profileVariables, type ProfileFacts } from "./profile-facts";

/** A message template as the dispatcher reads it. */
export interface TemplateRow {
  id: string;
  channel: string;
  purpose: "marketing" | "service";
  content: Record<string, unknown>;
  default_locale: Locale;
}

/** What rendering needs of a message row. */
interface RenderedRow {
  id: string;
  workspace_id: string;
  profile_id: string;
  channel: string;
  category: string;
  template_id: string | null;
  variables: Record<string, unknown>;
  source_kind: string;
  journey_id: string | null;
  node_id: string | null;
  run_id: string | null;
  broadcast_id: string | null;
}

interface RenderExtras {
  workspaceName: string;
  unsubscribeUrl: string;
  smsUnsubscribeText: string;
  /** The workspace's zone: the `date` filter shows times in it. */
  timeZone: string;
}

/** The variables a template sees for a row: the profile, the workspace, the row's own (event, coupon, store, journey …). */
export function renderContext(variables: Record<string, unknown>, facts: ProfileFacts | undefined, extras: { workspaceName: string; unsubscribeUrl: string }): Record<string, unknown> {
  const own = (variables.profile && typeof variables.profile === "object" ? variables.profile : {}) as Record<string, unknown>;
  return {
    workspace: { name: extras.workspaceName },
    unsubscribe_url: extras.unsubscribeUrl,
    ...variables,
    profile: { ...(facts ? profileVariables(facts) : {}), ...own },
  };
}

export async function renderRow(row: RenderedRow, template: TemplateRow | undefined, facts: ProfileFacts | undefined, extras: RenderExtras): Promise<TemplateContent> {
  if (!row.template_id) {
    if (row.channel !== "webhook") throw new Error("the message names no template");
    // A webhook action without a template sends the default payload.
    const body = JSON.stringify({
      type: "siyu.message",
      id: row.id,
      workspaceId: row.workspace_id,
      profileId: facts?.liveId ?? row.profile_id,
      category: row.category,
      source: { kind: row.source_kind, journeyId: row.journey_id, nodeId: row.node_id, runId: row.run_id, broadcastId: row.broadcast_id },
      variables: row.variables,
    });
    return TemplateContent.parse({ body });
  }
  if (!template) throw new Error(`template ${row.template_id} no longer exists`);
  const content = template.content as Partial<Record<Locale, unknown>>;
  const locale = pickLocale(Object.keys(content), facts?.traits.locale, template.default_locale);
  const rendered = await renderContent(TemplateContent.parse(content[locale]), renderContext(row.variables, facts, extras), extras.timeZone);
  if (extras.smsUnsubscribeText && !rendered.body.includes(extras.smsUnsubscribeText)) rendered.body = `${rendered.body}${extras.smsUnsubscribeText}`;
  return rendered;
}
