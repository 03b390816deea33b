import type { MembershipDto } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { findMembership, pickDefaultWorkspaceId, switchWorkspacePath } from "./workspace-choice";

function membership(id: string, name: string): MembershipDto {
  return {
    workspace: {
      id,
      name,
      slug: name.toLowerCase(),
      timezone: "Asia/Shanghai",
      currency: "CNY",
      isDemo: false,
      createdAt: "2025-01-01T00:00:00.000Z",
    },
    role: "owner",
    storeIds: [],
  };
}

const memberships = [membership("w1", "Tea"), membership("w2", "Toys")];

describe("pickDefaultWorkspaceId", () => {
  it("returns the remembered workspace while still a member", () => {
    expect(pickDefaultWorkspaceId(memberships, "w2")).toBe("w2");
  });

  it("falls back to the first membership", () => {
    expect(pickDefaultWorkspaceId(memberships, "gone")).toBe("w1");
    expect(pickDefaultWorkspaceId(memberships, null)).toBe("w1");
  });

  it("returns null without memberships", () => {
    expect(pickDefaultWorkspaceId([], "w1")).toBeNull();
  });
});

describe("findMembership", () => {
  it("finds by workspace id", () => {
    expect(findMembership(memberships, "w2")?.workspace.name).toBe("Toys");
    expect(findMembership(memberships, undefined)).toBeUndefined();
  });
});

describe("switchWorkspacePath", () => {
  it("keeps the current section", () => {
    expect(switchWorkspacePath("/w/w1/settings/stores", "w2")).toBe("/w/w2/settings/stores");
  });

  it("opens the overview from the workspace root or elsewhere", () => {
    expect(switchWorkspacePath("/w/w1", "w2")).toBe("/w/w2/overview");
    expect(switchWorkspacePath("/w/w1/", "w2")).toBe("/w/w2/overview");
    expect(switchWorkspacePath("/", "w2")).toBe("/w/w2/overview");
  });
});
