/**
 * The menu key for a location: the longest known path that the URL below /w/:workspaceId/
 * starts with, so "/w/x/settings/stores/123" still highlights "settings/stores".
 */
export function selectedNavKey(pathname: string, knownPaths: readonly string[]): string | undefined {
  const rest = /^\/w\/[^/]+\/(.*)$/.exec(pathname)?.[1]?.replace(/\/+$/, "") ?? "";
  return [...knownPaths]
    .sort((a, b) => b.length - a.length)
    .find((path) => rest === path || rest.startsWith(`${path}/`));
}
