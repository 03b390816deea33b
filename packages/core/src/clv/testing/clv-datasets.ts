/** Test helpers: the CDNOW sample as transactions (datasetFile from @siyu/storage/testing finds it). */
export { datasetFile, findSharedDatasets } from "@siyu/storage/testing";
import { readFileSync } from "node:fs";
import { dayNumberOf, type ClvTransaction } from "../rfm-summary";

/** cdnow_sample.csv: master_customer_id,customer_id,date,quantity,amount_usd. */
export function readCdnowSample(file: string): ClvTransaction[] {
  const lines = readFileSync(file, "utf8").trim().split("\n").slice(1);
  return lines.map((line) => {
    const f = line.split(",");
    return { customerId: f[1]!, day: dayNumberOf(f[2]!)!, amount: Number(f[4]) };
  });
}

export const CDNOW_SAMPLE = "cdnow/cdnow_sample.csv";
export const CDNOW_MASTER = "cdnow/cdnow_master.csv";
