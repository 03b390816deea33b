import { identifierKey, type Identifier } from "./identifiers";

/** A link between two identifiers, made by one event. */
export interface IdentityEdge {
  a: Identifier;
  b: Identifier;
  /** Event time, then message id: the canonical order links are judged in. */
  ts: number;
  messageId: string;
}

export type EdgeVerdict = "accepted" | "conflict" | "split";

export interface ResolvedComponent {
  /** Groups of identifier keys: each group is one person. */
  groups: string[][];
  verdicts: Map<string, EdgeVerdict>;
  /** For each conflict, the rule it would have broken. */
  reasons: Map<string, string>;
}

export function edgeKey(edge: Pick<IdentityEdge, "a" | "b" | "messageId">): string {
  const [x, y] = [identifierKey(edge.a), identifierKey(edge.b)].sort();
  return `${x}\u0001${y}\u0001${edge.messageId}`;
}

/**
 * An operator's split of a wrong merge: the identifiers on the left and those on
 * the right may never again be one person, whatever links arrive later.
 */
export interface Separation {
  id: string;
  left: readonly string[];
  right: readonly string[];
}

export function compareEdges(x: IdentityEdge, y: IdentityEdge): number {
  if (x.ts !== y.ts) return x.ts - y.ts;
  if (x.messageId !== y.messageId) return x.messageId < y.messageId ? -1 : 1;
  const kx = edgeKey(x);
  const ky = edgeKey(y);
  return kx < ky ? -1 : kx > ky ? 1 : 0;
}

/**
 * Resolves identifiers and the links between them into people. Links are judged
 * in canonical order (event time, message id), never arrival order, so the same
 * events give the same profiles however they arrive. A link that would give a
 * person more identifiers of a type than the rules allow is refused as a
 * conflict; a link that would join two sides an operator split is refused as a split.
 */
export function resolveComponent(
  identifiers: readonly Identifier[],
  edges: readonly IdentityEdge[],
  rules: { maxPerProfile: Record<string, number>; separations: readonly Separation[] },
): ResolvedComponent {
  const parent = new Map<string, string>();
  const counts = new Map<string, Map<string, number>>();
  const sides = new Map<string, Set<string>>();
  const tagsOf = new Map<string, string[]>();
  for (const separation of rules.separations) {
    for (const key of separation.left) tagsOf.set(key, [...(tagsOf.get(key) ?? []), `${separation.id}:L`]);
    for (const key of separation.right) tagsOf.set(key, [...(tagsOf.get(key) ?? []), `${separation.id}:R`]);
  }
  const add = (id: Identifier) => {
    const key = identifierKey(id);
    if (parent.has(key)) return;
    parent.set(key, key);
    counts.set(key, new Map([[id.type, 1]]));
    sides.set(key, new Set(tagsOf.get(key) ?? []));
  };
  const opposite = (tag: string) => (tag.endsWith(":L") ? `${tag.slice(0, -2)}:R` : `${tag.slice(0, -2)}:L`);
  identifiers.forEach(add);
  const find = (key: string): string => {
    let root = key;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let node = key;
    while (parent.get(node) !== root) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };

  const verdicts = new Map<string, EdgeVerdict>();
  const reasons = new Map<string, string>();
  for (const edge of [...edges].sort(compareEdges)) {
    add(edge.a);
    add(edge.b);
    const key = edgeKey(edge);
    const ra = find(identifierKey(edge.a));
    const rb = find(identifierKey(edge.b));
    if (ra === rb) {
      verdicts.set(key, "accepted");
      continue;
    }
    const sa = sides.get(ra)!;
    const sb = sides.get(rb)!;
    if ([...sa].some((tag) => sb.has(opposite(tag)))) {
      verdicts.set(key, "split");
      continue;
    }
    const ca = counts.get(ra)!;
    const cb = counts.get(rb)!;
    const broken = Object.entries(rules.maxPerProfile).find(([type, max]) => (ca.get(type) ?? 0) + (cb.get(type) ?? 0) > max);
    if (broken) {
      verdicts.set(key, "conflict");
      reasons.set(key, `a profile may hold at most ${broken[1]} ${broken[0]}`);
      continue;
    }
    // Union by key order keeps the structure independent of arrival order too.
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    parent.set(child, root);
    const merged = counts.get(root)!;
    for (const [type, n] of counts.get(child)!) merged.set(type, (merged.get(type) ?? 0) + n);
    for (const tag of sides.get(child)!) sides.get(root)!.add(tag);
    counts.delete(child);
    sides.delete(child);
    verdicts.set(key, "accepted");
  }

  const groups = new Map<string, string[]>();
  for (const key of parent.keys()) {
    const root = find(key);
    const group = groups.get(root);
    if (group) group.push(key);
    else groups.set(root, [key]);
  }
  return { groups: [...groups.values()].map((g) => g.sort()), verdicts, reasons };
}

/** The links one event makes: from its anchor to each other identifier it carries. */
export function edgesOfEvent(identifiers: readonly Identifier[], anchor: Identifier, ts: number, messageId: string): IdentityEdge[] {
  const anchorKey = identifierKey(anchor);
  return identifiers.filter((id) => identifierKey(id) !== anchorKey).map((id) => ({ a: anchor, b: id, ts, messageId }));
}
