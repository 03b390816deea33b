import { CreateWorkspaceBody } from "@siyu/contracts";
import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { expect } from "vitest";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { createCoreServices, type CoreServices } from "../services";
import type { Clock } from "../shared/clock";
import { newId } from "../shared/ids";
import { SYSTEM_ACTOR, systemContext } from "../shared/context";
import { rows } from "./points/points.ledger";

/**
 * The services as the loyalty suites use them: group commit in three lanes by default, so on a
 * PostgreSQL server (`npm run test:pg`) batches of different members run side by side, as a server
 * deployment runs them; one lane where a test looks at what one batch does.
 */
export function loyaltyServices(db: Db, clock: Clock, lanes = 3): CoreServices {
  return createCoreServices({ db, clock, settings: { access: { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 }, groupCommit: { maxBatch: 500, lanes } } });
}

export async function newWorkspace(services: CoreServices, name = "Loyalty brand"): Promise<string> {
  return (await services.workspaces.create(CreateWorkspaceBody.parse({ name }), SYSTEM_ACTOR)).id;
}

/** A bare live profile row (what the projector would create), for ledger tests that need no events. */
export async function newProfile(db: Db, workspaceId: string, traits: Record<string, unknown> = {}): Promise<string> {
  const id = newId();
  await db.execute(sql`insert into profiles (id, workspace_id, traits, created_at, updated_at)
    values (${id}::uuid, ${workspaceId}::uuid, ${JSON.stringify(traits)}::jsonb, now(), now())`);
  return id;
}

/** The ledger's invariants for one profile, read straight from the tables. */
export async function ledgerState(db: Db, workspaceId: string, profileId: string) {
  const [s] = await rows<Record<string, string | number | null>>(
    db,
    sql`select
          coalesce((select available from points_accounts where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid), 0) as available,
          coalesce((select pending from points_accounts where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid), 0) as pending,
          (select coalesce(sum(delta), 0) from points_entries where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid) as sum_delta,
          (select coalesce(sum(pending_delta), 0) from points_entries where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid) as sum_pending,
          (select coalesce(sum(remaining), 0) from points_buckets where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid and status = 'available') as bucket_available,
          (select coalesce(sum(remaining), 0) from points_buckets where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid and status = 'pending') as bucket_pending`,
  );
  const n = (k: string) => Number(s![k]);
  return { available: n("available"), pending: n("pending"), sumDelta: n("sum_delta"), sumPending: n("sum_pending"), bucketAvailable: n("bucket_available"), bucketPending: n("bucket_pending") };
}

export async function expectConsistent(db: Db, workspaceId: string, profileId: string, allowNegative = false) {
  const s = await ledgerState(db, workspaceId, profileId);
  expect(s.available).toBe(s.sumDelta);
  expect(s.pending).toBe(s.sumPending);
  expect(s.bucketAvailable).toBe(Math.max(0, s.available));
  expect(s.bucketPending).toBe(s.pending);
  if (!allowNegative) expect(s.available).toBeGreaterThanOrEqual(0);
  expect(s.pending).toBeGreaterThanOrEqual(0);
  return s;
}

/** A saved segment whose membership (as of a refresh) is exactly `members`, written straight to PostgreSQL. */
export async function newSegment(db: Db, workspaceId: string, members: string[], name = "Segment"): Promise<string> {
  const id = newId();
  await db.execute(sql`insert into segments (id, workspace_id, name, rule, refresh_every_minutes, size, last_refreshed_at, created_at, updated_at, created_by)
    values (${id}::uuid, ${workspaceId}::uuid, ${name}, ${JSON.stringify({ kind: "group", op: "and", children: [] })}::jsonb, 60, ${members.length}, now(), now(), now(), 'test')`);
  await db.execute(sql`insert into segment_members (workspace_id, segment_id, profile_id, entered_at)
    select ${workspaceId}::uuid, ${id}::uuid, unnest(${`{${members.join(",")}}`}::uuid[]), now()`);
  return id;
}

/**
 * What the tests of an event-log consumer share: messages through the real ingest path (message ids
 * `<prefix>-<n>`, stamped now unless given), a drain of the profile projector then the consumer, and the
 * live profile of a user id. `services` is read at call time (it is built in beforeAll).
 */
export function consumerHarness(services: () => CoreServices, clock: Clock, prefix: string, consumerStep: (s: CoreServices) => Promise<number>) {
  let n = 0;
  const messageId = () => `${prefix}-${++n}`;
  return {
    messageId,
    async send(ws: string, items: Record<string, unknown>[]) {
      const result = await services().ingest(ws, items.map((m) => ({ messageId: messageId(), timestamp: clock.now().toISOString(), ...m })));
      expect(result.errors ?? []).toEqual([]);
    },
    async drain() {
      while ((await services().projectNextBatch()) > 0);
      while ((await consumerStep(services())) > 0);
    },
    async profileOf(ws: string, userId: string) {
      const page = await services().profiles.list(systemContext(ws), { limit: 5, q: userId }, await services().identity.settings(ws));
      return page.items[0]!.id;
    },
  };
}
