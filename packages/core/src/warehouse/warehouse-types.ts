import type { Warehouse } from "@siyu/storage";

// @siyu/storage's entry exports `Warehouse` but not yet its transaction types; they are read off it here.
export type WarehouseTransaction = Parameters<Parameters<Warehouse["transaction"]>[0]>[0];
export type WarehouseCell = Parameters<WarehouseTransaction["append"]>[1][number][number];
