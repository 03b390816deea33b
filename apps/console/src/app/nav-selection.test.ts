import { describe, expect, it } from "vitest";
import { selectedNavKey } from "./nav-selection";

const paths = ["overview", "customers", "settings/stores", "settings/api-keys", "settings"];

describe("selectedNavKey", () => {
  it("matches module and settings pages", () => {
    expect(selectedNavKey("/w/abc/overview", paths)).toBe("overview");
    expect(selectedNavKey("/w/abc/settings/api-keys", paths)).toBe("settings/api-keys");
  });

  it("prefers the longest match and ignores trailing slashes and deeper segments", () => {
    expect(selectedNavKey("/w/abc/settings/stores/123", paths)).toBe("settings/stores");
    expect(selectedNavKey("/w/abc/customers/", paths)).toBe("customers");
  });

  it("matches nothing outside known pages", () => {
    expect(selectedNavKey("/w/abc/overviews", paths)).toBeUndefined();
    expect(selectedNavKey("/login", paths)).toBeUndefined();
  });
});
