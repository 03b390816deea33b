import { hash, verify } from "@node-rs/argon2";
import type { AccessSettings } from "./access.settings";

// Argon2id is memory-hard: guessing a leaked hash costs memory as well as time.
const ARGON2ID = 2;

export function hashPassword(password: string, settings: AccessSettings): Promise<string> {
  return hash(password, {
    algorithm: ARGON2ID,
    memoryCost: settings.passwordMemoryKiB,
    timeCost: settings.passwordPasses,
    parallelism: 1,
  });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
