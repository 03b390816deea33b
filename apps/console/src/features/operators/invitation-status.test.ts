import type { InvitationDto } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { absoluteUrl, invitationStatus } from "./invitation-status";

const base: InvitationDto = {
  id: "0190f1e2-0000-7000-8000-000000000001",
  email: "li@example.com",
  role: "operator",
  storeIds: [],
  expiresAt: "2025-06-08T00:00:00Z",
  acceptedAt: null,
  revokedAt: null,
  createdAt: "2025-06-01T00:00:00Z",
};
const now = new Date("2025-06-05T00:00:00Z");

describe("invitationStatus", () => {
  it("is pending until it expires", () => {
    expect(invitationStatus(base, now)).toBe("pending");
    expect(invitationStatus(base, new Date("2025-06-08T00:00:00Z"))).toBe("expired");
  });

  it("reports acceptance and revocation before expiry", () => {
    expect(invitationStatus({ ...base, acceptedAt: "2025-06-02T00:00:00Z" }, new Date("2026-01-01"))).toBe("accepted");
    expect(invitationStatus({ ...base, revokedAt: "2025-06-02T00:00:00Z" }, now)).toBe("revoked");
  });
});

describe("absoluteUrl", () => {
  it("resolves paths against the console origin and keeps full URLs", () => {
    expect(absoluteUrl("/invite/abc", "https://siyu.example.com")).toBe("https://siyu.example.com/invite/abc");
    expect(absoluteUrl("https://other.example/invite/x", "https://siyu.example.com")).toBe("https://other.example/invite/x");
  });
});
