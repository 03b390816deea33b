import { parseConfig, type SiyuConfig, type SiyuConfigInput } from "./config";
import { bootstrapEmptyStore, type InitialOwner } from "./bootstrap";
import { composeSiyu, type Siyu } from "./compose";

export interface StartOptions extends Partial<SiyuConfigInput> {
  /** false silences the JSON request log (tests); otherwise `logLevel` decides. */
  log?: boolean;
}

export interface RunningSiyu {
  url: string;
  initialOwner: InitialOwner | null;
  siyu: Siyu;
  close(): Promise<void>;
}

/** Starts one Siyu process: stores, migrations, first-start bootstrap, HTTP and the worker. */
export async function startSiyu(options: StartOptions | SiyuConfig = {}): Promise<RunningSiyu> {
  const { log, ...rest } = options as StartOptions;
  const config = parseConfig({ ...rest, ...(log === false ? { logLevel: "silent" } : {}) });
  const siyu = await composeSiyu(config);
  try {
    const initialOwner = await bootstrapEmptyStore(siyu.database, siyu.services, { demo: config.demo });
    await siyu.app.listen({ port: config.port, host: config.host });
    siyu.worker.start();
    const address = siyu.app.server.address();
    const port = address && typeof address === "object" ? address.port : config.port;
    const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
    return { url: `http://${host}:${port}`, initialOwner, siyu, close: () => siyu.close() };
  } catch (error) {
    await siyu.close();
    throw error;
  }
}
