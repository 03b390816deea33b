import { describe, expect, it } from "vitest";
import { detectLanguage, isLanguage } from "./languages";

describe("detectLanguage", () => {
  it("prefers a stored choice", () => {
    expect(detectLanguage("en", ["zh-CN"])).toBe("en");
    expect(detectLanguage("zh-CN", ["en-US"])).toBe("zh-CN");
  });

  it("ignores a stored value that is not a language", () => {
    expect(detectLanguage("fr", ["zh-TW"])).toBe("zh-CN");
  });

  it("maps any Chinese browser language to zh-CN", () => {
    for (const tag of ["zh", "zh-CN", "zh-Hans-CN", "ZH-tw"]) {
      expect(detectLanguage(null, [tag])).toBe("zh-CN");
    }
  });

  it("takes the first supported browser language in order", () => {
    expect(detectLanguage(null, ["fr-FR", "en-GB", "zh-CN"])).toBe("en");
    expect(detectLanguage(null, ["ja-JP", "zh-CN", "en-US"])).toBe("zh-CN");
  });

  it("falls back to English", () => {
    expect(detectLanguage(null, [])).toBe("en");
    expect(detectLanguage(null, ["de-DE"])).toBe("en");
  });

  it("recognises languages", () => {
    expect(isLanguage("zh-CN")).toBe(true);
    expect(isLanguage("zh")).toBe(false);
    expect(isLanguage(undefined)).toBe(false);
  });
});
