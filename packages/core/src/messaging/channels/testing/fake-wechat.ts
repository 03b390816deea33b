import { randomBytes } from "node:crypto";
import { type FakeAnswer, type FakeRequest, startFakeHttpServer } from "./fake-http-server";

export interface WechatSendRecord {
  kind: "subscribe" | "template";
  appId: string;
  touser: string;
  templateId: string;
  data: Record<string, { value: string }>;
  page?: string;
  url?: string;
  miniprogram?: { appid: string; pagepath: string };
  clientMsgId?: string;
  msgid: number;
}

export interface FakeWechatOptions {
  appId: string;
  appSecret: string;
  /** Template id → its data keys. */
  templates: Record<string, string[]>;
  now?: () => number;
}

/**
 * A stand-in for api.weixin.qq.com: `cgi-bin/token` (client_credential) issues tokens valid two hours,
 * the message APIs check them (41001 missing, 40001 unknown or revoked, 42001 expired) and answer the
 * documented errcodes: a subscribe message needs a subscription credit the user granted (one per
 * acceptance, else 43101), a template message needs a follower (43004); unknown openid 40003, unknown
 * template 40037, data keys not the template's 47003. A template message repeating an openid +
 * client_msg_id is answered with the first msgid and not sent again.
 */
export async function startFakeWechat(options: FakeWechatOptions) {
  const now = options.now ?? Date.now;
  const tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  const knownUsers = new Set<string>();
  const followers = new Set<string>();
  const credits = new Map<string, number>();
  const byClientMsgId = new Map<string, number>();
  const queued: { errcode: number; errmsg: string; on: "token" | "send" }[] = [];
  const sends: WechatSendRecord[] = [];
  let tokenRequests = 0;
  let nextMsgId = 1000;
  const err = (errcode: number, errmsg: string): FakeAnswer => ({ body: { errcode, errmsg } });

  function checkToken(req: FakeRequest): FakeAnswer | null {
    const token = req.url.searchParams.get("access_token");
    if (!token) return err(41001, "access_token missing");
    const entry = tokens.get(token);
    if (!entry || entry.revoked) return err(40001, "invalid credential, access_token is invalid or not latest");
    if (entry.expiresAt <= now()) return err(42001, "access_token expired");
    return null;
  }

  function checkMessage(templateId: string, touser: string, data: Record<string, { value: string }> | undefined): FakeAnswer | null {
    if (!knownUsers.has(touser)) return err(40003, "invalid openid");
    const keys = options.templates[templateId];
    if (!keys) return err(40037, "invalid template_id");
    const given = Object.keys(data ?? {});
    if (given.length !== keys.length || keys.some((k) => typeof data?.[k]?.value !== "string")) return err(47003, `argument invalid! data.${keys.find((k) => !given.includes(k)) ?? given[0]}.value invalid`);
    return null;
  }

  const server = await startFakeHttpServer((req) => {
    if (req.url.pathname === "/cgi-bin/token") {
      tokenRequests++;
      const q = req.url.searchParams;
      const failure = queued[0]?.on === "token" ? queued.shift() : undefined;
      if (failure) return err(failure.errcode, failure.errmsg);
      if (q.get("grant_type") !== "client_credential") return err(40002, "invalid grant_type");
      if (q.get("appid") !== options.appId) return err(40013, "invalid appid");
      if (q.get("secret") !== options.appSecret) return err(40125, "invalid appsecret");
      const token = randomBytes(24).toString("base64url");
      tokens.set(token, { expiresAt: now() + 7200_000, revoked: false });
      return { body: { access_token: token, expires_in: 7200 } };
    }
    const kind = req.url.pathname === "/cgi-bin/message/subscribe/send" ? "subscribe" : req.url.pathname === "/cgi-bin/message/template/send" ? "template" : null;
    if (!kind || req.method !== "POST") return { status: 404, body: "not found" };
    const tokenError = checkToken(req);
    if (tokenError) return tokenError;
    const failure = queued[0]?.on === "send" ? queued.shift() : undefined;
    if (failure) return err(failure.errcode, failure.errmsg);
    const body = JSON.parse(req.body) as { touser: string; template_id: string; data?: Record<string, { value: string }>; page?: string; url?: string; miniprogram?: { appid: string; pagepath: string }; client_msg_id?: string };
    const invalid = checkMessage(body.template_id, body.touser, body.data);
    if (invalid) return invalid;
    if (kind === "subscribe") {
      const key = `${body.touser}|${body.template_id}`;
      const left = credits.get(key) ?? 0;
      if (left <= 0) return err(43101, "user refuse to accept the msg");
      credits.set(key, left - 1);
    } else {
      if (!followers.has(body.touser)) return err(43004, "require subscribe");
      const dedupe = body.client_msg_id ? `${body.touser}|${body.client_msg_id}` : null;
      const earlier = dedupe ? byClientMsgId.get(dedupe) : undefined;
      if (earlier !== undefined) return { body: { errcode: 0, errmsg: "ok", msgid: earlier } };
      if (dedupe) byClientMsgId.set(dedupe, nextMsgId);
    }
    const msgid = nextMsgId++;
    sends.push({
      kind,
      appId: options.appId,
      touser: body.touser,
      templateId: body.template_id,
      data: body.data ?? {},
      ...(body.page !== undefined ? { page: body.page } : {}),
      ...(body.url !== undefined ? { url: body.url } : {}),
      ...(body.miniprogram ? { miniprogram: body.miniprogram } : {}),
      ...(body.client_msg_id ? { clientMsgId: body.client_msg_id } : {}),
      msgid,
    });
    return { body: { errcode: 0, errmsg: "ok", msgid } };
  });

  return {
    url: server.url,
    close: server.close,
    sends,
    tokenRequests: () => tokenRequests,
    /** A user of the app (has an OpenID); `follower` for the official account's template messages. */
    addUser(openid: string, { follower = false } = {}) {
      knownUsers.add(openid);
      if (follower) followers.add(openid);
    },
    /** The user tapped "allow" on a subscribe prompt: one message of that template may be sent. */
    grantSubscription(openid: string, templateId: string, times = 1) {
      const key = `${openid}|${templateId}`;
      credits.set(key, (credits.get(key) ?? 0) + times);
    },
    /** Every issued token has run out (42001 on use). */
    expireTokens() {
      for (const t of tokens.values()) t.expiresAt = now();
    },
    /** Every issued token was superseded (40001 on use). */
    revokeTokens() {
      for (const t of tokens.values()) t.revoked = true;
    },
    failNext(errcode: number, errmsg: string, on: "token" | "send" = "send") {
      queued.push({ errcode, errmsg, on });
    },
  };
}
export type FakeWechat = Awaited<ReturnType<typeof startFakeWechat>>;
