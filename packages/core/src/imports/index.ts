export { createImportsService } from "./imports.service";
export type { ImportsService, ImportsDeps, ImportOptions, ImportProgress, ImportSource } from "./imports.service";
export { ImportSettings, DEFAULT_IMPORT_SETTINGS } from "./imports.settings";
export { importErrors } from "./imports.errors";
export { CsvParser, parseCsv, readCsvRecords, formatCsvRow } from "./csv-parser";
export type { CsvRecord } from "./csv-parser";
export { csvEncodingOf, decodeCsvBytes, decodeCsvStream, detectCsvEncoding } from "./csv-encoding";
export type { CsvEncoding } from "./csv-encoding";
