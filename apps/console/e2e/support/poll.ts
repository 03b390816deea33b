export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface PollOptions {
  /** How long to keep asking before failing (default 20 s). */
  timeoutMs?: number;
  /** The pause between two questions (default 200 ms). */
  intervalMs?: number;
}

/**
 * The worker projects events (and loads the warehouse) a moment after they are accepted: ask again
 * until the answer fits, and fail naming what was awaited and the last answer.
 */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 200 }: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(intervalMs);
  }
}
