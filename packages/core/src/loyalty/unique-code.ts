import { isUniqueViolation } from "../shared/domain-error";
import { loyaltyErrors } from "./loyalty.errors";

/** Runs a write of a definition with a per-workspace code (task, badge); the unique index's refusal becomes loyalty.code_taken. */
export async function withUniqueCode<T>(what: string, code: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw loyaltyErrors.error("loyalty.code_taken", `code: "${code}" is used by another ${what}`, { path: ["code"] });
    throw error;
  }
}
