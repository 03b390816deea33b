import {
  DEFAULT_DEMO_END_DATE,
  DEFAULT_DEMO_HISTORY_MONTHS,
  DEFAULT_DEMO_MEMBER_COUNT,
  DEFAULT_DEMO_SEED,
  DEMO_WORKSPACE,
  MAX_DEMO_MEMBER_COUNT,
} from "./brand.defaults";
import { addMonths, formatInstant, formatIsoDate, parseIsoDate, shanghaiMidnightMs } from "./calendar";
import { generateDemoMembers, type DemoMember } from "./members";
import { buildDemoMenu, type DemoProduct } from "./menu";
import { createRng } from "./rng";
import { buildDemoStores, type DemoStore } from "./stores";

export interface DemoBrandOptions {
  /** Any safe integer; the same seed always yields the same brand. */
  seed?: number;
  /** Number of members, 0 … 1,000,000. Default 20,000. */
  memberCount?: number;
  /** First day of history (YYYY-MM-DD, Asia/Shanghai). Default: 12 months before endDate. */
  startDate?: string;
  /** Day after the last day of history (YYYY-MM-DD, exclusive). Default "2026-11-01". */
  endDate?: string;
}

export interface DemoWorkspace {
  name: string;
  slug: string;
  timezone: string;
  currency: string;
  isDemo: true;
}

/** The history window: `[startsAt, endsAt)`, local midnights in Asia/Shanghai as UTC instants. */
export interface DemoWindow {
  startDate: string;
  endDate: string;
  startsAt: string;
  endsAt: string;
}

export interface DemoBrand {
  seed: number;
  window: DemoWindow;
  workspace: DemoWorkspace;
  stores: DemoStore[];
  menu: DemoProduct[];
  members: DemoMember[];
}

/**
 * Generates the demo tea-drink brand: workspace, stores, menu and members with latent personas.
 * Pure and deterministic: the same options give deep-equal (and JSON byte-identical) output on
 * every machine and every day; nothing reads the clock.
 *
 * @example
 * const brand = generateDemoBrand({ seed: 7, memberCount: 1_000 });
 * brand.members[0]?.key; // "demo-m-000001", the earliest member to register
 */
export function generateDemoBrand(options: DemoBrandOptions = {}): DemoBrand {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const memberCount = options.memberCount ?? DEFAULT_DEMO_MEMBER_COUNT;
  if (!Number.isInteger(memberCount) || memberCount < 0 || memberCount > MAX_DEMO_MEMBER_COUNT) {
    throw new RangeError(`memberCount must be an integer in [0, ${MAX_DEMO_MEMBER_COUNT}], got ${memberCount}`);
  }
  const endDay = parseIsoDate(options.endDate ?? DEFAULT_DEMO_END_DATE, "endDate");
  const startDay =
    options.startDate === undefined
      ? addMonths(endDay, -DEFAULT_DEMO_HISTORY_MONTHS)
      : parseIsoDate(options.startDate, "startDate");
  if (startDay >= endDay) {
    throw new RangeError(`startDate (${formatIsoDate(startDay)}) must be before endDate (${formatIsoDate(endDay)})`);
  }

  const rng = createRng(seed);
  const timelines = buildDemoStores(rng.fork("stores"), { startDay, endDay });
  const members = generateDemoMembers(rng.fork("members"), { memberCount, startDay, endDay, stores: timelines });

  return {
    seed,
    window: {
      startDate: formatIsoDate(startDay),
      endDate: formatIsoDate(endDay),
      startsAt: formatInstant(shanghaiMidnightMs(startDay)),
      endsAt: formatInstant(shanghaiMidnightMs(endDay)),
    },
    workspace: { ...DEMO_WORKSPACE, isDemo: true },
    stores: timelines.map((t) => t.store),
    menu: buildDemoMenu(),
    members,
  };
}
