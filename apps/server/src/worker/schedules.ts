import type { CoreServices } from "@siyu/core";

export interface Schedule {
  name: string;
  everyMs: number;
  run(services: CoreServices): Promise<void>;
}

/** Periodic jobs. Each module adds its own; all are idempotent, so a missed or doubled run is harmless. */
export const SCHEDULES: Schedule[] = [
  { name: "access.delete_expired_sessions", everyMs: 60 * 60_000, run: (s) => s.access.deleteExpiredSessions() },
];
