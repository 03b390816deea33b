import { CHANNELS, MessagingSettings } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { channelFormToConfig, configKeysFor, formToSettings, hasStoredSecret, mapSettingsIssues, settingsToForm, settingsIssueField } from "./settings-form";

const MASK = "••••••";

const saved = MessagingSettings.parse({
  channels: {
    sms: { enabled: true, config: { provider: "aliyun", accessKeyId: "LTAI5", accessKeySecret: MASK, signName: "思域" }, dailyCap: 2 },
    email: { enabled: false, config: { host: "smtp.example.com", port: "465", secure: "true", user: "bot", password: MASK, from: "Siyu <bot@example.com>" } },
    wecom: { enabled: true, config: { corpId: "ww1", secret: MASK, defaultSender: "zhangsan", allowancePerDay: "1", allowancePerMonth: "4", region: "cn" } },
  },
  targetedPerDay: 1,
  generalPerDay: 2,
  quietHours: { enabled: true, start: "22:00", end: "08:30" },
  unsubscribeKeywords: ["TD", "退订"],
  dryRun: true,
  maxAttempts: 3,
  retryBaseSeconds: 120,
});

describe("messaging settings form ↔ MessagingSettings", () => {
  it("round-trips unchanged settings, sending the masked secrets back so the server keeps them", () => {
    const { form, secrets } = settingsToForm(saved);
    const body = MessagingSettings.parse(formToSettings(form, secrets));
    for (const channel of ["sms", "email", "wecom"] as const) expect(body.channels[channel]).toEqual(saved.channels[channel]);
    expect(body.targetedPerDay).toBe(1);
    expect(body.generalPerDay).toBe(2);
    expect(body.quietHours).toEqual({ enabled: true, start: "22:00", end: "08:30" });
    expect(body.unsubscribeKeywords).toEqual(["TD", "退订"]);
    expect(body.dryRun).toBe(true);
    // Retries are kept too: a save from the page must not reset them to the defaults.
    expect(body.maxAttempts).toBe(3);
    expect(body.retryBaseSeconds).toBe(120);
    // Channels never configured go as "off, nothing set".
    expect(body.channels.inbox).toEqual({ enabled: false, config: {}, dailyCap: null });
  });

  it("never puts a secret into an input: its input starts blank and the hint says it is set", () => {
    const { form, secrets } = settingsToForm(saved);
    expect(form.channels.sms.config.accessKeySecret).toBe("");
    // The server masks the access key id too: it is write-only like the secret.
    expect(form.channels.sms.config.accessKeyId).toBe("");
    expect(form.channels.email.config.password).toBe("");
    expect(hasStoredSecret(secrets, "sms", "accessKeySecret")).toBe(true);
    expect(hasStoredSecret(secrets, "wechat_template", "secret")).toBe(false);
  });

  it("sends a newly typed secret instead of the mask", () => {
    const { form, secrets } = settingsToForm(saved);
    form.channels.email.config.password = "new-pass";
    expect(formToSettings(form, secrets).channels.email?.config.password).toBe("new-pass");
  });

  it("reads numbers and switches from their string form and writes them back as strings", () => {
    const { form, secrets } = settingsToForm(saved);
    expect(form.channels.email.config.port).toBe(465);
    expect(form.channels.email.config.secure).toBe(true);
    form.channels.email.config.secure = false;
    form.channels.wecom.config.allowancePerWeek = 2;
    form.channels.wecom.config.allowancePerDay = null;
    const body = formToSettings(form, secrets);
    expect(body.channels.email?.config.secure).toBe("false");
    expect(body.channels.wecom?.config).toMatchObject({ allowancePerWeek: "2", allowancePerMonth: "4" });
    expect(body.channels.wecom?.config).not.toHaveProperty("allowancePerDay");
  });

  it("keeps keys the form has no input for as raw pairs", () => {
    const { form, secrets } = settingsToForm(saved);
    expect(form.channels.wecom.extra).toEqual([{ key: "region", value: "cn" }]);
    form.channels.wecom.extra.push({ key: "  ", value: "dropped" }, { key: "agentId", value: "1000002" });
    expect(formToSettings(form, secrets).channels.wecom?.config).toMatchObject({ region: "cn", agentId: "1000002" });
  });

  it("switching the SMS provider sends the new provider's keys only, not the old ones or their secret", () => {
    const { form, secrets } = settingsToForm(saved);
    form.channels.sms.config = { ...form.channels.sms.config, provider: "tencent", secretId: "AKID", secretKey: "sk", smsSdkAppId: "1400" };
    expect(channelFormToConfig("sms", form.channels.sms, secrets.sms)).toEqual({ provider: "tencent", secretId: "AKID", secretKey: "sk", smsSdkAppId: "1400", signName: "思域" });
    expect(configKeysFor("sms", "tencent").map((k) => k.key)).toEqual(["secretId", "secretKey", "smsSdkAppId", "signName"]);
  });

  it("leaves blank numbers for the server to name rather than guessing a value", () => {
    const { form, secrets } = settingsToForm(saved);
    form.targetedPerDay = null;
    expect(Number.isNaN(formToSettings(form, secrets).targetedPerDay)).toBe(true);
    expect(MessagingSettings.safeParse(formToSettings(form, secrets)).success).toBe(false);
  });

  it("covers every channel", () => {
    const { form, secrets } = settingsToForm(MessagingSettings.parse({}));
    expect(Object.keys(form.channels).sort()).toEqual([...CHANNELS].sort());
    expect(form.channels.sms.config.provider).toBe("aliyun");
    // An untouched switch (e-mail TLS) is not sent as a setting.
    expect(formToSettings(form, secrets).channels.email?.config).toEqual({});
  });
});

describe("server errors on settings fields", () => {
  it("names the input a settings issue is about", () => {
    expect(settingsIssueField("body.channels.sms.config.signName")).toEqual(["channels", "sms", "config", "signName"]);
    expect(settingsIssueField("channels.wecom.config.region")).toEqual(["channels", "wecom", "extra"]);
    expect(settingsIssueField("channels.email.dailyCap")).toEqual(["channels", "email", "dailyCap"]);
    expect(settingsIssueField("quietHours.end")).toBe("quietEnd");
    expect(settingsIssueField("unsubscribeKeywords.3")).toBe("unsubscribeKeywords");
    expect(settingsIssueField("channels.fax.enabled")).toBeNull();
  });

  it("groups issues per field and lists the channels holding one", () => {
    const mapped = mapSettingsIssues([
      { path: "channels.sms.config.signName", message: "required when enabled" },
      { path: "generalPerDay", message: "too big" },
      { path: "somethingElse", message: "odd" },
    ]);
    expect(mapped.fieldErrors).toEqual([
      { name: ["channels", "sms", "config", "signName"], errors: ["required when enabled"] },
      { name: "generalPerDay", errors: ["too big"] },
    ]);
    expect(mapped.channels).toEqual(["sms"]);
    expect(mapped.otherMessages).toEqual(["somethingElse: odd"]);
  });
});
