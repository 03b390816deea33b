import type { MembershipDto } from "@siyu/contracts";

export const WORKSPACE_STORAGE_KEY = "siyu.workspace";

/** The workspace to open when the URL names none: the last one chosen if still a member, else the first. */
export function pickDefaultWorkspaceId(
  memberships: readonly MembershipDto[],
  remembered: string | null,
): string | null {
  if (remembered && memberships.some((m) => m.workspace.id === remembered)) return remembered;
  return memberships[0]?.workspace.id ?? null;
}

export function findMembership(
  memberships: readonly MembershipDto[],
  workspaceId: string | undefined,
): MembershipDto | undefined {
  return workspaceId ? memberships.find((m) => m.workspace.id === workspaceId) : undefined;
}

export function readRememberedWorkspaceId(): string | null {
  try {
    return window.localStorage.getItem(WORKSPACE_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function rememberWorkspaceId(workspaceId: string): void {
  try {
    window.localStorage.setItem(WORKSPACE_STORAGE_KEY, workspaceId);
  } catch {
    // Storage unavailable: the URL still carries the workspace.
  }
}

/** Keeps the section (e.g. "settings/stores") when switching workspace: "/w/A/settings/stores" → "/w/B/settings/stores". */
export function switchWorkspacePath(pathname: string, workspaceId: string): string {
  const match = /^\/w\/[^/]+(\/.*)?$/.exec(pathname);
  const rest = match?.[1] ?? "/overview";
  return `/w/${encodeURIComponent(workspaceId)}${rest === "/" ? "/overview" : rest}`;
}
