import {
  DEMO_AGE_BANDS,
  DEMO_ARCHETYPES,
  DEMO_ARCHETYPE_PROFILES,
  DEMO_CHANNEL_WEIGHTS,
  DEMO_FAVOURITE_CATEGORY_WEIGHTS,
  DEMO_FEMALE_SHARE,
  DEMO_OTHER_CITIES,
  DEMO_OTHER_CITY_SHARE,
  DEMO_REGISTRATION_GROWTH,
  DEMO_REGISTRATION_HOUR_WEIGHTS,
  DEMO_SOURCE_CHANNELS,
  DEMO_WECHAT_CHANNELS,
  DEMO_WEEKDAY_REGISTRATION_FACTOR,
  type DemoArchetype,
  type DemoSourceChannel,
} from "./brand.defaults";
import { addMonths, formatInstant, formatIsoDate, shanghaiDayOf, shanghaiMidnightMs, weekdayOf } from "./calendar";
import type { DemoProductCategory } from "./menu";
import { generateChineseName, type DemoGender } from "./names";
import { generateMobilePhone } from "./phones";
import type { Rng } from "./rng";
import { DEMO_STORE_CITIES, type StoreTimeline } from "./stores";

export interface DemoWechatIds {
  /** Fake UnionID, "demo_oU…": never valid against WeChat. */
  unionId: string;
  /** Fake mini-program OpenID, "demo_oM…". */
  openIdMiniProgram: string;
}

/** Latent traits that later modules turn into behaviour (orders, check-ins, shares, churn). */
export interface DemoPersona {
  archetype: DemoArchetype;
  /** Expected orders per month while active. */
  visitRate: number;
  /** 0 (indifferent to price) … 1 (only buys on discount). */
  priceSensitivity: number;
  favouriteCategory: DemoProductCategory;
  /** Monthly probability of lapsing into dormancy, 0 … 1. */
  churnRisk: number;
  /** Propensity to share, invite friends and talk in community groups, 0 … 1. */
  sociability: number;
}

export interface DemoMember {
  /** Stable id in registration order: "demo-m-000001" is the first member to join. */
  key: string;
  name: string;
  gender: DemoGender;
  /** YYYY-MM-DD; ages 16–55 at the end of the window. */
  birthday: string;
  /** E.164 mainland mobile, unique within the brand. */
  phone: string;
  city: string;
  homeStoreCode: string;
  /** UTC ISO timestamp inside the history window. */
  registeredAt: string;
  sourceChannel: DemoSourceChannel;
  /** Present for members who joined through a WeChat channel. */
  wechat: DemoWechatIds | null;
  persona: DemoPersona;
  isDemo: true;
}

export interface MemberGenerationInput {
  memberCount: number;
  startDay: number;
  endDay: number;
  stores: readonly StoreTimeline[];
}

const CHANNEL_WEIGHTS = DEMO_SOURCE_CHANNELS.map((channel) => DEMO_CHANNEL_WEIGHTS[channel]);
const ARCHETYPE_WEIGHTS = DEMO_ARCHETYPES.map((archetype) => DEMO_ARCHETYPE_PROFILES[archetype].share);
const FAVOURITE_CATEGORIES = Object.keys(DEMO_FAVOURITE_CATEGORY_WEIGHTS) as DemoProductCategory[];
const FAVOURITE_WEIGHTS = FAVOURITE_CATEGORIES.map((category) => DEMO_FAVOURITE_CATEGORY_WEIGHTS[category] ?? 0);
const HOURS = DEMO_REGISTRATION_HOUR_WEIGHTS.map((_, hour) => hour);
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Members in registration order. Each concern (registration time, identity, channel, home store,
 * phone, WeChat ids, persona) draws from its own fork of `rng`, so a new field added on a new fork
 * leaves every existing field unchanged.
 */
export function generateDemoMembers(rng: Rng, input: MemberGenerationInput): DemoMember[] {
  const { memberCount, startDay, endDay, stores } = input;
  const registrations = drawRegistrationInstants(rng.fork("registration"), memberCount, startDay, endDay);

  const identityRng = rng.fork("identity");
  const channelRng = rng.fork("channel");
  const storeRng = rng.fork("home-store");
  const cityRng = rng.fork("city");
  const phoneRng = rng.fork("phone");
  const wechatRng = rng.fork("wechat");
  const personaRng = rng.fork("persona");

  const lastDay = endDay - 1;
  const usedPhones = new Set<string>();
  const members: DemoMember[] = new Array<DemoMember>(memberCount);

  for (let i = 0; i < memberCount; i++) {
    const registeredMs = registrations[i] as number;
    const gender: DemoGender = identityRng.chance(DEMO_FEMALE_SHARE) ? "female" : "male";
    const name = generateChineseName(identityRng, gender).fullName;
    const birthday = drawBirthday(identityRng, lastDay);

    const sourceChannel = channelRng.weightedPick(DEMO_SOURCE_CHANNELS, CHANNEL_WEIGHTS);

    const registeredDay = shanghaiDayOf(registeredMs);
    const openStores = stores.filter((s) => s.openDay <= registeredDay && registeredDay < s.closeDay);
    const home = storeRng.weightedPick(openStores, openStores.map((s) => s.traffic));

    const city = cityRng.chance(DEMO_OTHER_CITY_SHARE)
      ? cityRng.pick(otherCities(home.store.city))
      : home.store.city;

    let phone = generateMobilePhone(phoneRng);
    while (usedPhones.has(phone)) phone = generateMobilePhone(phoneRng);
    usedPhones.add(phone);

    const wechat = DEMO_WECHAT_CHANNELS.has(sourceChannel)
      ? { unionId: `demo_oU${token(wechatRng, 26)}`, openIdMiniProgram: `demo_oM${token(wechatRng, 26)}` }
      : null;

    members[i] = {
      key: `demo-m-${String(i + 1).padStart(6, "0")}`,
      name,
      gender,
      birthday,
      phone,
      city,
      homeStoreCode: home.store.code,
      registeredAt: formatInstant(registeredMs),
      sourceChannel,
      wechat,
      persona: drawPersona(personaRng),
      isDemo: true,
    };
  }
  return members;
}

/** Sorted UTC instants (ms): linear growth over the window, fewer on weekdays, daytime peaks. */
function drawRegistrationInstants(rng: Rng, count: number, startDay: number, endDay: number): number[] {
  const span = endDay - startDay;
  const g = DEMO_REGISTRATION_GROWTH - 1;
  const instants = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    let day: number;
    do {
      // Inverse CDF of the density (1 + g·t) on [0, 1).
      const u = rng.next();
      const t = g === 0 ? u : (Math.sqrt(1 + 2 * g * u * (1 + g / 2)) - 1) / g;
      day = startDay + Math.min(span - 1, Math.floor(t * span));
      const weekday = weekdayOf(day);
      if (weekday === 0 || weekday === 6) break;
    } while (!rng.chance(DEMO_WEEKDAY_REGISTRATION_FACTOR));
    const hour = rng.weightedPick(HOURS, DEMO_REGISTRATION_HOUR_WEIGHTS);
    const secondOfHour = rng.int(0, 3599);
    instants[i] = shanghaiMidnightMs(day) + hour * 3_600_000 + secondOfHour * 1000 + rng.int(0, 999);
  }
  return instants.sort((a, b) => a - b);
}

function drawBirthday(rng: Rng, referenceDay: number): string {
  const band = rng.weightedPick(DEMO_AGE_BANDS, DEMO_AGE_BANDS.map((b) => b.share));
  const age = rng.int(band.min, band.max);
  // Aged exactly `age` on the reference day: born after (ref − age − 1 years), on or before (ref − age years).
  const earliest = addMonths(referenceDay, -12 * (age + 1)) + 1;
  const latest = addMonths(referenceDay, -12 * age);
  return formatIsoDate(rng.int(earliest, latest));
}

function drawPersona(rng: Rng): DemoPersona {
  const archetype = rng.weightedPick(DEMO_ARCHETYPES, ARCHETYPE_WEIGHTS);
  const profile = DEMO_ARCHETYPE_PROFILES[archetype];
  return {
    archetype,
    visitRate: Math.max(0.01, round(profile.visitRateMedian * Math.exp(rng.normal(0, profile.visitRateLogSd)), 2)),
    priceSensitivity: round(clamp01(rng.normal(profile.priceSensitivityMean, 0.18)), 2),
    favouriteCategory: rng.weightedPick(FAVOURITE_CATEGORIES, FAVOURITE_WEIGHTS),
    churnRisk: round(clamp01(profile.churnRisk * Math.exp(rng.normal(0, 0.3))), 3),
    sociability: round(clamp01(rng.normal(profile.sociabilityMean, 0.15)), 2),
  };
}

const otherCitiesCache = new Map<string, readonly string[]>();
function otherCities(homeCity: string): readonly string[] {
  let cities = otherCitiesCache.get(homeCity);
  if (!cities) {
    cities = [...DEMO_STORE_CITIES.filter((c) => c !== homeCity), ...DEMO_OTHER_CITIES];
    otherCitiesCache.set(homeCity, cities);
  }
  return cities;
}

function token(rng: Rng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ID_ALPHABET[rng.int(0, ID_ALPHABET.length - 1)];
  return out;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

