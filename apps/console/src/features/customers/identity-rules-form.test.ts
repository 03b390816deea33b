import { describe, expect, it } from "vitest";
import {
  CUSTOM_TYPE,
  IDENTIFIER_TYPE_SCHEMA,
  duplicateRuleRows,
  mapIdentitySettingsIssues,
  ruleRowType,
  toIdentityRulesForm,
  toIdentitySettingsBody,
  type IdentityRulesFormValues,
} from "./identity-rules-form";

const SETTINGS = {
  maxPerProfile: { "custom:member_card": 2, wechat_unionid: 1, phone: 1, user_id: 1, legacy_crm: 3 },
  junkValues: ["", "null", "test"],
  defaultPhoneRegion: "CN",
};

describe("toIdentityRulesForm", () => {
  it("lists well-known types first in their usual order, custom types split into their name", () => {
    expect(toIdentityRulesForm(SETTINGS)).toEqual({
      maxPerProfile: [
        { type: "user_id", max: 1 },
        { type: "phone", max: 1 },
        { type: "wechat_unionid", max: 1 },
        { type: CUSTOM_TYPE, customName: "member_card", max: 2 },
        { type: "legacy_crm", max: 3 },
      ],
      junkValues: ["", "null", "test"],
      defaultPhoneRegion: "CN",
    });
  });
});

describe("toIdentitySettingsBody", () => {
  it("round-trips the settings", () => {
    expect(toIdentitySettingsBody(toIdentityRulesForm(SETTINGS))).toEqual(SETTINGS);
  });

  it("joins custom names, drops repeated junk values and upper-cases the region", () => {
    expect(
      toIdentitySettingsBody({
        maxPerProfile: [
          { type: "phone", max: 2 },
          { type: CUSTOM_TYPE, customName: " vip_card ", max: 1 },
        ],
        junkValues: ["0", "0", "none"],
        defaultPhoneRegion: " hk",
      }),
    ).toEqual({ maxPerProfile: { phone: 2, "custom:vip_card": 1 }, junkValues: ["0", "none"], defaultPhoneRegion: "HK" });
  });
});

describe("ruleRowType and duplicateRuleRows", () => {
  it("names a row's type", () => {
    expect(ruleRowType({ type: "email" })).toBe("email");
    expect(ruleRowType({ type: CUSTOM_TYPE, customName: "x" })).toBe("custom:x");
    expect(IDENTIFIER_TYPE_SCHEMA.safeParse("custom:x").success).toBe(true);
    expect(IDENTIFIER_TYPE_SCHEMA.safeParse("custom:X Y").success).toBe(false);
  });

  it("finds rows that repeat an earlier type", () => {
    const rows = [
      { type: "phone" },
      { type: CUSTOM_TYPE, customName: "a" },
      { type: "phone" },
      { type: CUSTOM_TYPE, customName: "a" },
      { type: "" },
      { type: "" },
    ];
    expect([...duplicateRuleRows(rows)]).toEqual([2, 3]);
  });
});

describe("mapIdentitySettingsIssues", () => {
  const values: IdentityRulesFormValues = {
    maxPerProfile: [
      { type: "phone", max: 5000 },
      { type: CUSTOM_TYPE, customName: "Bad Name", max: 1 },
      { type: "Weird", max: 1 },
    ],
    junkValues: ["ok", "x".repeat(101)],
    defaultPhoneRegion: "cn1",
  };

  it("puts each issue under its row, value or field", () => {
    const result = mapIdentitySettingsIssues(
      [
        { path: "body.maxPerProfile.phone", message: "Too big" },
        { path: "body.maxPerProfile.custom:Bad Name", message: "must be an identifier type such as phone" },
        { path: "body.maxPerProfile.Weird", message: "must be an identifier type such as phone" },
        { path: "body.junkValues.1", message: "Too long" },
        { path: "body.defaultPhoneRegion", message: "must be a two-letter region such as CN" },
        { path: "body.maxPerProfile.email", message: "gone" },
        { path: "body", message: "Unrecognized key" },
      ],
      values,
    );
    expect(result.fieldErrors).toEqual([
      { name: ["maxPerProfile", 0, "max"], errors: ["Too big"] },
      { name: ["maxPerProfile", 1, "customName"], errors: ["must be an identifier type such as phone"] },
      { name: ["maxPerProfile", 2, "type"], errors: ["must be an identifier type such as phone"] },
      { name: ["junkValues"], errors: [`“${"x".repeat(101)}”: Too long`] },
      { name: ["defaultPhoneRegion"], errors: ["must be a two-letter region such as CN"] },
    ]);
    expect(result.otherMessages).toEqual(["email: gone", "body: Unrecognized key"]);
  });
});
