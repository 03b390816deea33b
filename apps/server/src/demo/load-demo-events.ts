import { demoModuleRng, generateDemoMessages, type DemoBrand } from "@siyu/demo";
import type { CoreServices } from "@siyu/core";

export interface DemoLoadProgress {
  sent: number;
  accepted: number;
}

/**
 * Sends the demo brand's months of behaviour through the same ingestion path an
 * SDK uses, in batches. History is shifted to end today, so the demo looks current.
 * Deterministic message ids make running it again for the same workspace add nothing twice.
 */
export async function loadDemoEvents(
  services: CoreServices,
  workspaceId: string,
  brand: DemoBrand,
  options: { now: Date; batchSize?: number; signal?: AbortSignal; onBatch?: (progress: DemoLoadProgress) => void },
): Promise<DemoLoadProgress> {
  const shiftMs = demoShiftMs(brand, options.now);
  const progress: DemoLoadProgress = { sent: 0, accepted: 0 };
  const size = options.batchSize ?? 1000;
  let batch: unknown[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await services.ingest(workspaceId, batch);
    if (result.errors.length > 0) throw new Error(`demo event rejected: ${JSON.stringify(result.errors[0])}`);
    progress.sent += batch.length;
    progress.accepted += result.accepted;
    batch = [];
    options.onBatch?.(progress);
    // Let HTTP requests in between batches: on PGlite the queries run in this process.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  for (const message of generateDemoMessages(brand, demoModuleRng(brand.seed, "behaviour"), { shiftMs })) {
    if (options.signal?.aborted) return progress;
    batch.push(message);
    if (batch.length >= size) await flush();
  }
  await flush();
  return progress;
}

/** How far the demo's history moves so that it ends at today's midnight in Asia/Shanghai. */
export function demoShiftMs(brand: DemoBrand, now: Date): number {
  const today = new Date(now);
  today.setUTCHours(16, 0, 0, 0); // 00:00 in Asia/Shanghai
  if (today.getTime() > now.getTime()) today.setUTCDate(today.getUTCDate() - 1);
  return today.getTime() - Date.parse(brand.window.endsAt);
}
