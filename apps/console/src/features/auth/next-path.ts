/**
 * Where to go after logging in. Only same-origin paths are honoured, so a crafted
 * "?next=https://evil.example" link cannot bounce an operator off-site.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next.startsWith("/login") || next.startsWith("/invite/")) return "/";
  return next;
}

export function loginPathFor(pathname: string, search = ""): string {
  const here = `${pathname}${search}`;
  return here === "/" || here.startsWith("/login") ? "/login" : `/login?next=${encodeURIComponent(here)}`;
}
