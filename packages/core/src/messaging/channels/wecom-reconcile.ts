import type { DeliveryResult } from "./channel";
import type { EarlierWecomSend } from "./wecom-allowance";
import { type WecomApi, wecomErrorResult } from "./wecom-api";

/** The content an attempt asks add_msg_template for: the text and the link card's url. */
export interface WecomTaskContent {
  text: string | null;
  linkUrl: string | null;
}

/** Did the earlier attempt create a task? `unknown` when WeCom could not be asked: try again later. */
export type EarlierTask = { kind: "found"; msgid: string } | { kind: "absent" } | { kind: "unknown"; result: DeliveryResult };

const LIST = "cgi-bin/externalcontact/get_groupmsg_list_v2";
const SEND_RESULT = "cgi-bin/externalcontact/get_groupmsg_send_result";
/**
 * An attempt calls add_msg_template within a minute of reserving (at most two token fetches and two
 * calls of 15 s each); ten minutes either side of the reservation also absorbs clock skew, and stays
 * far inside the month get_groupmsg_list_v2 allows.
 */
const WINDOW_MS = 10 * 60_000;
/** A guard against a cursor that never ends: 50 pages of 100 tasks by one staff member in 20 minutes. */
const MAX_PAGES = 50;

type Item = Record<string, unknown>;

/**
 * Looks in WeCom for the task an earlier attempt of the same message may have created (WeCom takes no
 * idempotency key): the sender's company-published (filter_type 0) tasks around the earlier
 * reservation with the same text and link (get_groupmsg_list_v2), then, per candidate, whether it
 * targets this customer (get_groupmsg_send_result lists the task's customers, sent or not yet).
 */
export async function findEarlierTask(
  api: WecomApi,
  earlier: EarlierWecomSend,
  content: WecomTaskContent,
  /** Of these msgids, the tasks already recorded as other messages' (they are not this one's). */
  othersTasks: (msgids: string[]) => Promise<Set<string>>,
): Promise<EarlierTask> {
  const at = earlier.reservedAt.getTime();
  const candidates: string[] = [];
  const listed = await scanPages(
    api,
    LIST,
    { chat_type: "single", start_time: unixSeconds(at - WINDOW_MS), end_time: unixSeconds(at + WINDOW_MS), creator: earlier.sender, filter_type: 0, limit: 100 },
    "group_msg_list",
    (task) => {
      if (typeof task.msgid === "string" && task.creator === earlier.sender && sameContent(task, content)) candidates.push(task.msgid);
      return false;
    },
  );
  if (!listed.ok) return unknown(LIST, listed);
  const others = await othersTasks(candidates);
  for (const msgid of candidates.filter((id) => !others.has(id))) {
    const sent = await scanPages(api, SEND_RESULT, { msgid, userid: earlier.sender, limit: 1000 }, "send_list", (row) => row.external_userid === earlier.externalUserid);
    if (!sent.ok) return unknown(SEND_RESULT, sent);
    if (sent.hit) return { kind: "found", msgid };
  }
  return { kind: "absent" };
}

function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function sameContent(task: Item, content: WecomTaskContent): boolean {
  const text = (task.text as { content?: unknown } | undefined)?.content;
  if ((typeof text === "string" && text ? text : null) !== content.text) return false;
  const attachments = Array.isArray(task.attachments) ? (task.attachments as Item[]) : [];
  const links = attachments.filter((a) => a?.msgtype === "link").map((a) => (a.link as { url?: unknown } | undefined)?.url);
  return content.linkUrl === null ? links.length === 0 : links.length === 1 && links[0] === content.linkUrl;
}

/** Reads a list page by page (next_cursor) until `hit` says so or the list ends; a failed call or errcode ends it unread. */
async function scanPages(api: WecomApi, path: string, body: Item, listKey: string, hit: (item: Item) => boolean): Promise<{ ok: true; hit: boolean } | { ok: false; result: DeliveryResult }> {
  let cursor = "";
  for (let page = 0; page < MAX_PAGES; page++) {
    const call = await api(path, cursor ? { ...body, cursor } : body);
    if (!call.ok) return { ok: false, result: call.result };
    if (call.answer.errcode) return { ok: false, result: wecomErrorResult(call.answer) };
    const items = Array.isArray(call.answer[listKey]) ? (call.answer[listKey] as unknown[]) : [];
    if (items.some((item) => typeof item === "object" && item !== null && hit(item as Item))) return { ok: true, hit: true };
    cursor = typeof call.answer.next_cursor === "string" ? call.answer.next_cursor : "";
    if (!cursor) return { ok: true, hit: false };
  }
  return { ok: false, result: { status: "retry", error: `more than ${MAX_PAGES} pages` } };
}

/** The lookup failed: sending again could give the staff member a second task, so the message waits (even on an errcode that would fail a send). */
function unknown(path: string, failure: { result: DeliveryResult }): EarlierTask {
  const { result } = failure;
  const error = "error" in result ? result.error : result.status;
  return {
    kind: "unknown",
    result: {
      status: "retry",
      error: `wecom could not check for the earlier attempt's task (${path.split("/").pop()}: ${error}); not sending again until it can`,
      ...(result.status === "retry" && result.retryAfterMs ? { retryAfterMs: result.retryAfterMs } : {}),
    },
  };
}
