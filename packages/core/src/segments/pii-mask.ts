/** Masks for personal data shown to operators without "customers.pii". */
export function maskName(name: string | null): string | null {
  if (!name) return name;
  const chars = [...name];
  return chars[0] + "*".repeat(Math.max(1, chars.length - 1));
}

export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  if (phone.length <= 4) return "*".repeat(phone.length);
  const keepEnd = phone.slice(-4);
  // 13812345678 → 138****5678, +8613812345678 → +86138****5678
  const keepStart = phone.length >= 11 ? phone.slice(0, phone.length - 8) : "";
  return keepStart + "*".repeat(phone.length - keepStart.length - 4) + keepEnd;
}

export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const at = email.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${email[0]}***${email.slice(at)}`;
}
