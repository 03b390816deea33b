import type { Role } from "@siyu/contracts";
import type { MessageKey } from "../lib/i18n";

export function roleLabelKey(role: Role): MessageKey {
  return `common.role.${role}`;
}
