import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anchorOf, extractIdentifiers, normaliseIdentifier } from "./identifiers";
import { DEFAULT_IDENTITY_SETTINGS as S } from "./identity.settings";

describe("identifiers", () => {
  it("normalises mainland phones written any common way to E.164", () => {
    for (const raw of ["13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "138 0013 8000"]) {
      expect(normaliseIdentifier("phone", raw, S)).toEqual({ value: "+8613800138000" });
    }
    expect(normaliseIdentifier("phone", "12345", S)).toEqual({ error: "is not a valid phone number" });
  });

  it("never links junk values", () => {
    fc.assert(
      fc.property(fc.constantFrom(...S.junkValues), fc.constantFrom("user_id", "anonymous_id", "device_id", "wechat_unionid"), (junk, type) => {
        const variants = [junk, junk.toUpperCase(), ` ${junk} `];
        for (const v of variants) expect(normaliseIdentifier(type, v, S)).toEqual({ junk: true });
      }),
    );
    const { identifiers } = extractIdentifiers({ type: "identify", userId: "null", anonymousId: "undefined", traits: { phone: "", unionid: "0" } }, S);
    expect(identifiers).toEqual([]);
  });

  it("finds identifiers in ids, traits, context and the identities list, with the path of each bad one", () => {
    const { identifiers, errors } = extractIdentifiers(
      {
        type: "identify",
        userId: "u-1",
        anonymousId: "anon-1",
        traits: { phone: "13800138000", email: " Li.Na@Example.COM ", wechat_openid: "o123", wechat_appid: "wxmini" },
        context: { device: { id: "dev-9" }, identities: [{ type: "custom:member_card", value: "C001" }, { type: "douyin_openid", value: "dy-1" }], traits: { phone: "bad" } },
      },
      S,
    );
    expect(identifiers).toEqual(
      expect.arrayContaining([
        { type: "user_id", value: "u-1" },
        { type: "anonymous_id", value: "anon-1" },
        { type: "phone", value: "+8613800138000" },
        { type: "email", value: "li.na@example.com" },
        { type: "wechat_openid", value: "wxmini:o123" },
        { type: "device_id", value: "dev-9" },
        { type: "custom:member_card", value: "C001" },
        { type: "douyin_openid", value: "dy-1" },
      ]),
    );
    expect(errors).toEqual([{ path: "context.traits.phone", message: "is not a valid phone number" }]);
  });

  it("anchors an event on its most stable identifier", () => {
    expect(anchorOf([{ type: "anonymous_id", value: "a" }, { type: "phone", value: "+86138" }])).toEqual({ type: "phone", value: "+86138" });
    expect(anchorOf([])).toBeNull();
  });
});
