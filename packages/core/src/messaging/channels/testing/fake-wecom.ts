import { randomBytes } from "node:crypto";
import { type FakeAnswer, startFakeHttpServer } from "./fake-http-server";

export interface WecomTaskRecord {
  msgid: string;
  sender: string;
  externalUserids: string[];
  text: string | null;
  attachments: unknown[];
  /** Over WeCom's per-staff-member rate: answered errcode 0 but never reaches the customer. */
  dropped: boolean;
  at: number;
  /** When the staff member confirmed it (`confirm(msgid)`), else null. */
  sentAt: number | null;
}

export interface FakeWecomOptions {
  corpId: string;
  secret: string;
  /** Staff userid → the external_userids who are their customers. */
  contacts: Record<string, string[]>;
  now?: () => number;
  /** WeCom's silent drop: per staff member per minute / hour (30 / 1,000). */
  perMinute?: number;
  perHour?: number;
  /** The most a list page holds (WeCom: 100 group messages, 1,000 tasks or send results); smaller to exercise paging. */
  pageSize?: number;
}

type Lookup = "get_groupmsg_list_v2" | "get_groupmsg_task" | "get_groupmsg_send_result";
const LOOKUPS: readonly string[] = ["get_groupmsg_list_v2", "get_groupmsg_task", "get_groupmsg_send_result"];
/** WeCom documents at most one month between start_time and end_time. */
const MONTH_S = 31 * 86_400;

/**
 * A stand-in for qyapi.weixin.qq.com's customer contact: `cgi-bin/gettoken` (corpid + corpsecret,
 * two-hour tokens) and, each checking the token (41001 missing, 40014 invalid, 42001 expired):
 * - `externalcontact/add_msg_template`, which checks the sender (40003) and the content (44004),
 *   puts customers who are not the sender's contacts in fail_list, and — like WeCom — answers
 *   errcode 0 but marks the task dropped when a staff member goes over 30 a minute or 1,000 an hour;
 * - the group-message records (消息推送 → 获取企业的全部群发记录): `get_groupmsg_list_v2` (chat_type,
 *   start_time / end_time at most a month apart, creator, filter_type 0 company / 1 personal / 2 all),
 *   `get_groupmsg_task` (the staff member's task, status 0 not sent / 2 sent) and
 *   `get_groupmsg_send_result` (the customers, status 0 not sent / 1 sent), paged with limit,
 *   cursor and next_cursor. Every task add_msg_template created is listed (create_type 0).
 */
export async function startFakeWecom(options: FakeWecomOptions) {
  const now = options.now ?? Date.now;
  const perMinute = options.perMinute ?? 30;
  const perHour = options.perHour ?? 1000;
  const tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  const tasks: WecomTaskRecord[] = [];
  const queued: { errcode: number; errmsg: string; on: "token" | "send" | Lookup }[] = [];
  const lookups: Lookup[] = [];
  let tokenRequests = 0;
  const err = (errcode: number, errmsg: string): FakeAnswer => ({ body: { errcode, errmsg } });

  const server = await startFakeHttpServer((req) => {
    if (req.url.pathname === "/cgi-bin/gettoken") {
      tokenRequests++;
      const failure = queued[0]?.on === "token" ? queued.shift() : undefined;
      if (failure) return err(failure.errcode, failure.errmsg);
      if (req.url.searchParams.get("corpid") !== options.corpId) return err(40013, "invalid corpid");
      if (req.url.searchParams.get("corpsecret") !== options.secret) return err(40001, "invalid credential");
      const token = randomBytes(24).toString("base64url");
      tokens.set(token, { expiresAt: now() + 7200_000, revoked: false });
      return { body: { errcode: 0, errmsg: "ok", access_token: token, expires_in: 7200 } };
    }
    const api = req.url.pathname.startsWith("/cgi-bin/externalcontact/") ? req.url.pathname.slice("/cgi-bin/externalcontact/".length) : "";
    if ((api !== "add_msg_template" && !LOOKUPS.includes(api)) || req.method !== "POST") return { status: 404, body: "not found" };
    const token = req.url.searchParams.get("access_token");
    if (!token) return err(41001, "access_token missing");
    const entry = tokens.get(token);
    if (!entry || entry.revoked) return err(40014, "invalid access_token");
    if (entry.expiresAt <= now()) return err(42001, "access_token expired");
    const failure = queued[0]?.on === (api === "add_msg_template" ? "send" : api) ? queued.shift() : undefined;
    if (failure) return err(failure.errcode, failure.errmsg);
    if (api !== "add_msg_template") return lookup(api as Lookup, JSON.parse(req.body) as Record<string, unknown>);
    const body = JSON.parse(req.body) as { chat_type?: string; external_userid?: string[]; sender?: string; text?: { content?: string }; attachments?: unknown[] };
    const contacts = options.contacts[body.sender ?? ""];
    if (!contacts) return err(40003, "invalid userid");
    if ((body.chat_type ?? "single") === "single" && !body.external_userid?.length) return err(40058, "invalid external_userid list");
    if (!body.text?.content && !body.attachments?.length) return err(44004, "empty content");
    const failList = body.external_userid!.filter((id) => !contacts.includes(id));
    const reached = body.external_userid!.filter((id) => contacts.includes(id));
    const at = now();
    const bySender = tasks.filter((t) => t.sender === body.sender && !t.dropped);
    const dropped = bySender.filter((t) => t.at > at - 60_000).length >= perMinute || bySender.filter((t) => t.at > at - 3_600_000).length >= perHour;
    const msgid = `msg${randomBytes(12).toString("base64url")}`;
    if (reached.length > 0) tasks.push({ msgid, sender: body.sender!, externalUserids: reached, text: body.text?.content ?? null, attachments: body.attachments ?? [], dropped, at, sentAt: null });
    return { body: { errcode: 0, errmsg: "ok", fail_list: failList, msgid } };
  });

  /** One page of `list` from the request's cursor (the offset, opaque to the caller) and limit. */
  function page<T>(request: Record<string, unknown>, list: T[], maxLimit: number, defaultLimit: number) {
    const asked = typeof request.limit === "number" && request.limit > 0 ? request.limit : defaultLimit;
    const limit = Math.min(asked > maxLimit ? defaultLimit : asked, options.pageSize ?? maxLimit);
    const offset = typeof request.cursor === "string" && request.cursor ? Number(Buffer.from(request.cursor, "base64url").toString()) : 0;
    const next = offset + limit < list.length ? Buffer.from(String(offset + limit)).toString("base64url") : "";
    return { items: list.slice(offset, offset + limit), next_cursor: next };
  }

  function lookup(api: Lookup, request: Record<string, unknown>): FakeAnswer {
    lookups.push(api);
    if (api === "get_groupmsg_list_v2") {
      const { start_time: start, end_time: end } = request;
      if (typeof start !== "number" || typeof end !== "number" || end < start || end - start > MONTH_S) return err(40058, "invalid start_time / end_time: at most a month apart");
      if ((request.chat_type ?? "single") !== "single") return { body: { errcode: 0, errmsg: "ok", next_cursor: "", group_msg_list: [] } };
      // add_msg_template creates company-published tasks only (create_type 0): filter_type 1 (personal) lists none.
      if (request.filter_type === 1) return { body: { errcode: 0, errmsg: "ok", next_cursor: "", group_msg_list: [] } };
      const listed = tasks.filter((t) => t.at >= start * 1000 && t.at < (end + 1) * 1000 && (request.creator === undefined || t.sender === request.creator));
      const { items, next_cursor } = page(request, listed, 100, 50);
      const group_msg_list = items.map((t) => ({ msgid: t.msgid, creator: t.sender, create_time: String(Math.floor(t.at / 1000)), create_type: 0, ...(t.text === null ? {} : { text: { content: t.text } }), attachments: t.attachments }));
      return { body: { errcode: 0, errmsg: "ok", next_cursor, group_msg_list } };
    }
    const task = tasks.find((t) => t.msgid === request.msgid);
    if (!task) return err(40058, "invalid msgid");
    const sent = task.sentAt === null ? {} : { send_time: Math.floor(task.sentAt / 1000) };
    if (api === "get_groupmsg_task") {
      const { items, next_cursor } = page(request, [task], 1000, 500);
      return { body: { errcode: 0, errmsg: "ok", next_cursor, task_list: items.map((t) => ({ userid: t.sender, status: t.sentAt === null ? 0 : 2, ...sent })) } };
    }
    if (typeof request.userid !== "string") return err(40058, "invalid userid");
    const rows = task.sender === request.userid ? task.externalUserids : [];
    const { items, next_cursor } = page(request, rows, 1000, 500);
    return { body: { errcode: 0, errmsg: "ok", next_cursor, send_list: items.map((external_userid) => ({ external_userid, userid: task.sender, status: task.sentAt === null ? 0 : 1, ...sent })) } };
  }

  return {
    url: server.url,
    close: server.close,
    tasks,
    /** Tasks a staff member got to confirm (not dropped). */
    delivered: () => tasks.filter((t) => !t.dropped),
    dropped: () => tasks.filter((t) => t.dropped),
    tokenRequests: () => tokenRequests,
    expireTokens() {
      for (const t of tokens.values()) t.expiresAt = now();
    },
    revokeTokens() {
      for (const t of tokens.values()) t.revoked = true;
    },
    /** The record endpoints called, in order. */
    lookups: () => [...lookups],
    /** The staff member confirms the task: WeCom sends it. */
    confirm(msgid: string) {
      const task = tasks.find((t) => t.msgid === msgid);
      if (task) task.sentAt = now();
    },
    failNext(errcode: number, errmsg: string, on: "token" | "send" | Lookup = "send") {
      queued.push({ errcode, errmsg, on });
    },
    /** Forgets the failures queued with failNext that no call has met yet. */
    clearFailures() {
      queued.length = 0;
    },
  };
}
export type FakeWecom = Awaited<ReturnType<typeof startFakeWecom>>;
