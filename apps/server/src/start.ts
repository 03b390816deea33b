import { parseConfig, type SiyuConfig, type SiyuConfigInput } from "./config";
import type { DemoBrand } from "@siyu/demo";
import { bootstrapEmptyStore, type InitialOwner } from "./bootstrap";
import { loadDemoEvents } from "./demo/load-demo-events";
import { computeDemoSegmentation } from "./demo/demo-segmentation";
import { seedDemoCoupons } from "./demo/demo-coupons";
import { seedDemoStoredValue } from "./demo/demo-stored-value";
import { composeSiyu, type Siyu } from "./compose";
import { consumerPosition, lastSeq, LOYALTY_ACTIVITIES_CONSUMER, LOYALTY_ORDERS_CONSUMER, PROFILE_PROJECTOR, readWarehouseOffset, WAREHOUSE_EVENTS_OFFSET } from "@siyu/core";

export interface StartOptions extends Partial<SiyuConfigInput> {
  /** false silences the JSON request log (tests); otherwise `logLevel` decides. */
  log?: boolean;
}

export interface RunningSiyu {
  url: string;
  initialOwner: InitialOwner | null;
  siyu: Siyu;
  /** Settles when the demo brand's behaviour is in the log (at once when there is no demo to load). */
  demoLoaded: Promise<void>;
  close(): Promise<void>;
}

/** The consumers whose work the demo's later steps read: profiles, and the points orders and activities earn. */
const DEMO_CONSUMERS = [PROFILE_PROJECTOR, LOYALTY_ORDERS_CONSUMER, LOYALTY_ACTIVITIES_CONSUMER];

/** Waits until DEMO_CONSUMERS and the warehouse loader have every logged event; false when aborted first. */
async function pipelineCaughtUp(siyu: Siyu, signal: AbortSignal): Promise<boolean> {
  const db = siyu.database.db;
  for (;;) {
    if (signal.aborted) return false;
    const last = await lastSeq(db);
    const positions = await Promise.all([...DEMO_CONSUMERS.map((name) => consumerPosition(db, name)), readWarehouseOffset(siyu.warehouse, WAREHOUSE_EVENTS_OFFSET)]);
    if (positions.every((p) => p >= last)) return true;
    siyu.worker.kick();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The demo's months of events go in while the console is already up; the worker projects them as they land. */
function startDemoLoad(siyu: Siyu, workspaceId: string, brand: DemoBrand) {
  const abort = new AbortController();
  const started = Date.now();
  const done = loadDemoEvents(siyu.services, workspaceId, brand, {
    now: new Date(),
    signal: abort.signal,
    onBatch: () => siyu.worker.kick(),
  }).then(
    async (progress) => {
      siyu.app.log.info({ events: progress.sent, ms: Date.now() - started }, "demo brand behaviour loaded");
      // Tags, RFM, lifecycle, CLV and segments need the whole history in profiles and the warehouse.
      if (!(await pipelineCaughtUp(siyu, abort.signal))) return;
      const runs = await computeDemoSegmentation(siyu.services, workspaceId, brand);
      siyu.app.log.info({ runs, ms: Date.now() - started }, "demo brand segmentation computed");
      const value = await seedDemoStoredValue(siyu.services, workspaceId, brand);
      siyu.app.log.info(value, "demo brand stored value and cards seeded");
      const coupons = await seedDemoCoupons(siyu.services, workspaceId, brand);
      siyu.app.log.info(coupons, "demo brand coupons issued and exchanged");
    },
    (error: unknown) => {
      if (!abort.signal.aborted) siyu.app.log.error({ err: error }, "loading the demo brand's behaviour failed");
    },
  );
  return {
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}

/** Starts one Siyu process: stores, migrations, first-start bootstrap, HTTP and the worker. */
export async function startSiyu(options: StartOptions | SiyuConfig = {}): Promise<RunningSiyu> {
  const { log, ...rest } = options as StartOptions;
  const config = parseConfig({ ...rest, ...(log === false ? { logLevel: "silent" } : {}) });
  const siyu = await composeSiyu(config);
  try {
    const bootstrapped = await bootstrapEmptyStore(siyu.database, siyu.services, { demo: config.demo, demoMembers: config.demoMembers });
    await siyu.app.listen({ port: config.port, host: config.host });
    siyu.worker.start();
    const demoLoad = bootstrapped?.demo ? startDemoLoad(siyu, bootstrapped.demo.workspaceId, bootstrapped.demo.brand) : null;
    const address = siyu.app.server.address();
    const port = address && typeof address === "object" ? address.port : config.port;
    const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
    return {
      url: `http://${host}:${port}`,
      initialOwner: bootstrapped?.owner ?? null,
      siyu,
      demoLoaded: demoLoad?.done ?? Promise.resolve(),
      async close() {
        await demoLoad?.stop();
        await siyu.close();
      },
    };
  } catch (error) {
    await siyu.close();
    throw error;
  }
}
