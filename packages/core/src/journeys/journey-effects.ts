// The engine's seams to other modules: segment rules (warehouse), coupons, points and tags. The
// effects run inside the run's transaction, through the owning module's service bound to it.
import type { Db } from "@siyu/storage";
import type { SegmentRule } from "@siyu/contracts";
import { awardPoints, createCouponsService } from "../loyalty";
import { createTagsService } from "../tags";
import type { Clock } from "../shared/clock";
import { systemContext, type WorkspaceContext } from "../shared/context";

export interface IssuedCoupon {
  couponId: string;
  code: string;
  name: string;
  /** "¥10" style is the template's job; here the raw terms: fixed amount (minor units) or percent off. */
  kind: string;
  amountMinor: number | null;
  percentOff: number | null;
  expiresAt: string;
}

export interface JourneyEffects {
  /** The profiles among `profileIds` that match `rule` at `now` (the segments module, on the warehouse). */
  matchRule(tx: Db, workspaceId: string, rule: SegmentRule, profileIds: readonly string[], now: Date): Promise<Set<string>>;
  issueCoupon(tx: Db, input: { workspaceId: string; templateId: string; profileId: string; issueKey: string }): Promise<IssuedCoupon>;
  awardPoints(tx: Db, input: { workspaceId: string; profileId: string; points: number; reason: string; idempotencyKey: string; now: Date }): Promise<void>;
  changeTag(tx: Db, input: { workspaceId: string; profileId: string; tagId: string; add: boolean }): Promise<void>;
  /** Holds an unused, unexpired coupon (of the template, or any). */
  couponHeld(tx: Db, input: { workspaceId: string; profileId: string; templateId: string | null; now: Date }): Promise<boolean>;
}

const sameProfile = async (_ctx: WorkspaceContext, profileId: string) => profileId;

/** The real effects; `matchRule` comes from the segments service (services.segments.matchProfiles). */
export function journeyEffects(deps: { clock: Clock; matchRule: JourneyEffects["matchRule"] }): JourneyEffects {
  const { clock } = deps;
  return {
    matchRule: deps.matchRule,
    async issueCoupon(tx, input) {
      const coupons = createCouponsService({ db: tx, clock, resolveProfileId: sameProfile });
      const ctx = systemContext(input.workspaceId);
      const { coupon } = await coupons.claim(ctx, input.templateId, input.profileId, input.issueKey);
      const template = await coupons.getTemplate(ctx, input.templateId);
      return {
        couponId: coupon.id,
        code: coupon.code,
        name: template.name,
        kind: template.kind,
        amountMinor: template.amountMinor ?? null,
        percentOff: template.percentOff ?? null,
        expiresAt: coupon.validUntil,
      };
    },
    async awardPoints(tx, input) {
      await awardPoints(
        tx,
        { workspaceId: input.workspaceId, profileId: input.profileId, points: input.points, source: "journey", reason: input.reason, idempotencyKey: input.idempotencyKey },
        input.now,
      );
    },
    async changeTag(tx, input) {
      // Bound to the transaction without the warehouse: the tag's warehouse copy follows at the next sync.
      const tags = createTagsService({ db: tx, clock, profilesOfIdentifiers: async () => [] });
      const ctx = systemContext(input.workspaceId);
      if (input.add) await tags.assign(ctx, input.tagId, { profileIds: [input.profileId] }, "computed");
      else await tags.unassign(ctx, input.tagId, { profileIds: [input.profileId] });
    },
    async couponHeld(tx, input) {
      const coupons = createCouponsService({ db: tx, clock, resolveProfileId: sameProfile });
      const held = await coupons.listOfCustomer(systemContext(input.workspaceId), input.profileId);
      return held.some((c) => c.status === "available" && new Date(c.validUntil) > input.now && (input.templateId === null || c.templateId === input.templateId));
    },
  };
}
