import type { Rng } from "./rng";

// Mainland mobile number blocks currently issued by China Mobile, China Unicom and China Telecom.
const MOBILE_PREFIXES = [
  "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
  "147", "150", "151", "152", "153", "155", "156", "157", "158", "159",
  "166", "173", "176", "177", "178",
  "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
  "191", "193", "195", "198", "199",
] as const;

/** A mainland China mobile number in E.164 form: +86 then 11 digits starting 13x–19x. */
export const MAINLAND_MOBILE_E164 = /^\+861(?:3\d|4[57]|5[0-35-9]|6[6]|7[0-35-8]|8\d|9[0-35-9])\d{8}$/;

const CHECK_SALT = "siyu-demo-phone";

/**
 * A syntactically valid mainland mobile number in E.164 form (`+8613812345678`). The last three
 * digits are a salted checksum of the first eight, which is how {@link isDemoPhone} recognises it.
 * The number may still belong to a real person: demo members carry `isDemo: true`, and nothing
 * may ever be sent to them.
 */
export function generateMobilePhone(rng: Rng): string {
  const prefix = rng.pick(MOBILE_PREFIXES);
  const body = String(rng.int(0, 99_999)).padStart(5, "0");
  return `+86${prefix}${body}${phoneCheckDigits(prefix + body)}`;
}

/**
 * Whether a number could have come from {@link generateMobilePhone}. A cheap filter: about one real
 * number in a thousand also passes, so `member.isDemo` stays the authority.
 */
export function isDemoPhone(phone: string): boolean {
  if (!MAINLAND_MOBILE_E164.test(phone)) return false;
  const digits = phone.slice(3);
  return digits.slice(8) === phoneCheckDigits(digits.slice(0, 8));
}

function phoneCheckDigits(firstEight: string): string {
  // FNV-1a over the salted digits: three check digits cost nothing and rarely collide by chance.
  let hash = 0x811c9dc5;
  const input = CHECK_SALT + firstEight;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return String((hash >>> 0) % 1000).padStart(3, "0");
}
