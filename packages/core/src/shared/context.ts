export type Actor =
  | { type: "operator"; id: string; name: string }
  | { type: "api_key"; id: string; name: string }
  | { type: "system"; id: null; name: string };

export const SYSTEM_ACTOR: Actor = { type: "system", id: null, name: "system" };

/**
 * Who acts, in which workspace. Every workspace-scoped use case takes one, so no
 * query can forget its workspace. `storeIds` is null when the actor sees every
 * store, or the list a store manager is limited to.
 */
export interface WorkspaceContext {
  readonly workspaceId: string;
  readonly actor: Actor;
  readonly storeIds: readonly string[] | null;
  readonly ip: string | null;
}

export function systemContext(workspaceId: string): WorkspaceContext {
  return { workspaceId, actor: SYSTEM_ACTOR, storeIds: null, ip: null };
}
