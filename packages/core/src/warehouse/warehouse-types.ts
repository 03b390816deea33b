import type { WarehouseTransaction } from "@siyu/storage";

export type { WarehouseTransaction } from "@siyu/storage";
export type WarehouseCell = Parameters<WarehouseTransaction["append"]>[1][number][number];
