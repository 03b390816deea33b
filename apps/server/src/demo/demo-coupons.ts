import type { DemoBrand } from "@siyu/demo";
import { DomainError, SYSTEM_ACTOR, type CoreServices, type WorkspaceContext } from "@siyu/core";

const RECALL_TEMPLATE = "回归券 ¥5 Come back";
const DORMANT_SEGMENT = "沉睡待唤醒";
const VOUCHER_ITEM = "¥10 代金券 (¥10 off)";
/** One member in this many is asked whether they exchange points for the voucher (if they have the points). */
const EXCHANGE_EVERY = 10;

/**
 * What the demo brand's operators have done with coupons: the come-back coupon sent to the dormant
 * segment as a bulk issue job (the path the console's "Issue to a segment" takes), and ¥10 vouchers
 * exchanged for points in the catalogue by some of the members who have the points. Run once the
 * segments are computed; every write is keyed, so running it again changes nothing.
 */
export async function seedDemoCoupons(services: CoreServices, workspaceId: string, brand: DemoBrand): Promise<{ issued: number; exchanged: number }> {
  const ctx: WorkspaceContext = { workspaceId, actor: SYSTEM_ACTOR, storeIds: null, ip: null };
  const recall = (await services.coupons.listTemplates(ctx)).find((t) => t.name === RECALL_TEMPLATE);
  const dormant = (await services.segments.list(ctx)).find((s) => s.name === DORMANT_SEGMENT);
  let issued = 0;
  if (recall && dormant) {
    const job = await services.coupons.createIssueJob(ctx, recall.id, { segmentId: dormant.id, idempotencyKey: "demo-recall-dormant" });
    while ((await services.coupons.runIssueBatch()) > 0);
    issued = (await services.coupons.getIssueJob(ctx, job.id)).issued;
  }

  const voucher = (await services.catalogue.listItems(ctx)).find((i) => i.name === VOUCHER_ITEM);
  let exchanged = 0;
  if (voucher) {
    const asked = brand.members.filter((_, i) => i % EXCHANGE_EVERY === 0);
    const found = await services.identity.profilesOfIdentifiers(workspaceId, asked.map((m) => ({ type: "user_id", value: m.key })));
    for (const hit of found) {
      const profileId = hit && "profileId" in hit ? hit.profileId : null;
      if (!profileId || (await services.points.balance(ctx, profileId)).available < voucher.pointsCost) continue;
      try {
        await services.catalogue.redeem(ctx, profileId, { itemId: voucher.id, idempotencyKey: `demo-exchange:${profileId}` });
        exchanged += 1;
      } catch (error) {
        // A limit or the template's stock reached ends this member's turn, as it would at the counter.
        if (!(error instanceof DomainError)) throw error;
      }
    }
  }
  return { issued, exchanged };
}
