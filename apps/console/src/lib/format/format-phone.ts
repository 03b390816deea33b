/**
 * A phone as stored by the identity graph (E.164, "+8613800138000") the way people in the
 * workspace's country read it: Chinese mobiles as "138 0013 8000", other numbers in full
 * with their country code. Anything that is not E.164 is shown as it came.
 */
export function formatPhone(phone: string | null | undefined, homeCountryCode = "86"): string {
  if (!phone) return "—";
  const e164 = /^\+(\d{6,15})$/.exec(phone.trim());
  if (!e164) return phone;
  const digits = e164[1]!;
  const chineseMobile = /^86(1\d{10})$/.exec(digits);
  if (chineseMobile) {
    const national = chineseMobile[1]!;
    const grouped = `${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`;
    return homeCountryCode === "86" ? grouped : `+86 ${grouped}`;
  }
  if (digits.startsWith(homeCountryCode)) return `+${homeCountryCode} ${digits.slice(homeCountryCode.length)}`;
  return `+${digits}`;
}
