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
}

/**
 * A stand-in for qyapi.weixin.qq.com's customer contact: `cgi-bin/gettoken` (corpid + corpsecret,
 * two-hour tokens) and `cgi-bin/externalcontact/add_msg_template`, which checks the token (41001
 * missing, 40014 invalid, 42001 expired), the sender (40003) and the content (44004), puts customers
 * who are not the sender's contacts in fail_list, and — like WeCom — answers errcode 0 but marks the
 * task dropped when a staff member goes over 30 a minute or 1,000 an hour.
 */
export async function startFakeWecom(options: FakeWecomOptions) {
  const now = options.now ?? Date.now;
  const perMinute = options.perMinute ?? 30;
  const perHour = options.perHour ?? 1000;
  const tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  const tasks: WecomTaskRecord[] = [];
  const queued: { errcode: number; errmsg: string; on: "token" | "send" }[] = [];
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
    if (req.url.pathname !== "/cgi-bin/externalcontact/add_msg_template" || req.method !== "POST") return { status: 404, body: "not found" };
    const token = req.url.searchParams.get("access_token");
    if (!token) return err(41001, "access_token missing");
    const entry = tokens.get(token);
    if (!entry || entry.revoked) return err(40014, "invalid access_token");
    if (entry.expiresAt <= now()) return err(42001, "access_token expired");
    const failure = queued[0]?.on === "send" ? queued.shift() : undefined;
    if (failure) return err(failure.errcode, failure.errmsg);
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
    if (reached.length > 0) tasks.push({ msgid, sender: body.sender!, externalUserids: reached, text: body.text?.content ?? null, attachments: body.attachments ?? [], dropped, at });
    return { body: { errcode: 0, errmsg: "ok", fail_list: failList, msgid } };
  });

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
    failNext(errcode: number, errmsg: string, on: "token" | "send" = "send") {
      queued.push({ errcode, errmsg, on });
    },
  };
}
export type FakeWecom = Awaited<ReturnType<typeof startFakeWecom>>;
