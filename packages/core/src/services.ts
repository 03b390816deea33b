import type { Db } from "@siyu/storage";
import { createAccessService, type AccessService, type AccessSettings } from "./access";
import { createApiKeysService, type ApiKeysService } from "./api-keys";
import { createAuditService, type AuditService } from "./audit";
import type { Clock } from "./shared/clock";
import { createStoresService, type StoresService } from "./stores";
import { createWorkspacesService, type WorkspacesService } from "./workspaces";

export interface CoreSettings {
  access: AccessSettings;
}

export interface CoreDeps {
  db: Db;
  clock: Clock;
  settings: CoreSettings;
}

/** Wires the domain services once over one database handle (or a transaction). */
export interface CoreServices {
  workspaces: WorkspacesService;
  stores: StoresService;
  access: AccessService;
  apiKeys: ApiKeysService;
  audit: AuditService;
  /** Runs a flow that spans modules in one transaction, with services bound to it. */
  transaction<T>(work: (services: CoreServices, tx: Db) => Promise<T>): Promise<T>;
}

export function createCoreServices(deps: CoreDeps): CoreServices {
  const { db, clock } = deps;
  const stores = createStoresService({ db, clock });
  return {
    workspaces: createWorkspacesService({ db, clock }),
    stores,
    access: createAccessService({ db, clock, settings: deps.settings.access, existingStores: stores.existing }),
    apiKeys: createApiKeysService({ db, clock }),
    audit: createAuditService({ db, clock }),
    transaction: (work) => db.transaction((tx) => work(createCoreServices({ ...deps, db: tx }), tx)),
  };
}
