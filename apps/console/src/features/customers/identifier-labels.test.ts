import { describe, expect, it } from "vitest";
import { customersEn as en } from "./locales/en";
import { customersZhCN as zhCN } from "./locales/zh-CN";
import {
  KNOWN_IDENTIFIER_TYPES,
  displayIdentifierValue,
  identifierTypeColor,
  identifierTypeLabel,
  parseConflictReason,
} from "./identifier-labels";

describe("identifierTypeLabel", () => {
  it("names every well-known type in both languages", () => {
    for (const type of KNOWN_IDENTIFIER_TYPES) {
      const { key } = identifierTypeLabel(type);
      expect(key).toBe(`customers.identifier.${type}`);
      expect(en[key]).toBeTruthy();
      expect(zhCN[key]).toBeTruthy();
    }
    expect(zhCN["customers.identifier.wechat_openid"]).toContain("OpenID");
    expect(en["customers.identifier.phone"]).toBe("Phone");
  });

  it("names custom types by their own name", () => {
    expect(identifierTypeLabel("custom:pos_card")).toEqual({ key: "customers.identifier.custom", params: { name: "pos_card" } });
  });

  it("shows an unknown type as it is", () => {
    expect(identifierTypeLabel("alipay_id")).toEqual({ key: "customers.identifier.other", params: { type: "alipay_id" } });
    expect(identifierTypeLabel("custom:")).toEqual({ key: "customers.identifier.other", params: { type: "custom:" } });
  });

  it("colours ids by channel", () => {
    expect(identifierTypeColor("wechat_openid")).toBe(identifierTypeColor("wechat_unionid"));
    expect(identifierTypeColor("custom:x")).toBe("purple");
    expect(identifierTypeColor("anonymous_id")).toBe("default");
  });
});

describe("displayIdentifierValue", () => {
  it("groups phones", () => {
    expect(displayIdentifierValue("phone", "+8613800138000")).toEqual({ text: "138 0013 8000" });
  });

  it("splits a WeChat OpenID from its app", () => {
    expect(displayIdentifierValue("wechat_openid", "wx1234:oAbC-9_x")).toEqual({ text: "oAbC-9_x", appId: "wx1234" });
    expect(displayIdentifierValue("wechat_openid", "no-app")).toEqual({ text: "no-app" });
  });

  it("leaves other values alone", () => {
    expect(displayIdentifierValue("user_id", "member:42")).toEqual({ text: "member:42" });
  });
});

describe("parseConflictReason", () => {
  it("reads the server's max-per-profile wording", () => {
    expect(parseConflictReason("a profile may hold at most 1 phone")).toEqual({ max: 1, type: "phone" });
    expect(parseConflictReason("a profile may hold at most 3 custom:card")).toEqual({ max: 3, type: "custom:card" });
  });

  it("gives up on anything else", () => {
    expect(parseConflictReason("")).toBeNull();
    expect(parseConflictReason("manual review")).toBeNull();
  });
});
