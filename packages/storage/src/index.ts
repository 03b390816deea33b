export { openDatabase, redact, MIGRATIONS_FOLDER } from "./postgres/database";
export type { Database, DatabaseConfig, Db } from "./postgres/database";
export { lockDataDir } from "./postgres/data-dir-lock";
export type { DataDirLock } from "./postgres/data-dir-lock";
export { openWarehouse, WAREHOUSE_MIGRATIONS_FOLDER } from "./warehouse/warehouse";
export type { Warehouse } from "./warehouse/warehouse";
export { StorageError } from "./storage.errors";
export type { StorageErrorCode } from "./storage.errors";
export { deleteWorkspaceRows } from "./postgres/workspace-data";
