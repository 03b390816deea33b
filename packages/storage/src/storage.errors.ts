export type StorageErrorCode = "storage.data_dir_locked" | "storage.unreachable" | "storage.migration_failed";

/** Start-up failures of the stores; main prints the message and exits. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "StorageError";
  }
}
