import { createReadStream, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { dayNumberOf, decodeCsvStream, fitClv, isoDateOf, readCsvRecords, summariseTransactions, type ClvFit, type ClvTimeUnit, type ClvTransaction } from "@siyu/core";

export const CLV_USAGE = `  clv fit --csv FILE --customer COL --date COL --amount COL [--date-format yyyy-MM-dd|yyyyMMdd]
          [--calibration-end YYYY-MM-DD] [--unit week|day] [--json]
                                Fit BG/NBD and Gamma-Gamma customer-lifetime-value models to any
                                transactions CSV (with a header row) and print the parameters; needs
                                no database. The calibration end defaults to the last date in the file`;

export interface ClvCliOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const DATE_FORMATS = ["yyyy-MM-dd", "yyyyMMdd"] as const;
type DateFormat = (typeof DATE_FORMATS)[number];
const UNITS: readonly ClvTimeUnit[] = ["week", "day"];
/** How many bad rows are listed before the command gives up on the file. */
const LISTED_ROW_ERRORS = 10;

class UsageError extends Error {}
class DataError extends Error {}

interface FitArgs {
  file: string;
  customer: string;
  date: string;
  amount: string;
  dateFormat: DateFormat;
  calibrationEnd: number | undefined;
  unit: ClvTimeUnit;
  json: boolean;
}

/**
 * `siyu clv fit …`: reads the CSV, sums each customer's transactions per day, fits the models by
 * maximum likelihood and prints the parameters. Exit 0 on success, 2 for bad arguments or a header
 * without the named columns, 1 for bad rows (each named by line and column) or data too thin to fit.
 */
export async function runClvCommand(args: string[], out: ClvCliOutput = process): Promise<number> {
  let parsed: FitArgs;
  try {
    parsed = parseFitArgs(args);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      out.stderr.write(`${(error as Error).message}\n\nUsage:\n${CLV_USAGE}\n`);
      return 2;
    }
    throw error;
  }
  try {
    const { transactions, lastDay } = await readTransactions(parsed);
    if (transactions.length === 0) throw new DataError(`${parsed.file}: no transactions`);
    const calibrationEnd = parsed.calibrationEnd ?? lastDay;
    const summaries = summariseTransactions(transactions, calibrationEnd, parsed.unit);
    if (summaries.length < 2) throw new DataError(`${parsed.file}: ${summaries.length} customer(s) bought on or before ${isoDateOf(calibrationEnd)}; at least 2 are needed`);
    const fit = fitClv(summaries);
    out.stdout.write(parsed.json ? `${JSON.stringify(jsonOf(fit))}\n` : summaryOf(fit, parsed, calibrationEnd));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof DataError) {
      out.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function parseFitArgs(args: string[]): FitArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      csv: { type: "string" },
      customer: { type: "string" },
      date: { type: "string" },
      amount: { type: "string" },
      "date-format": { type: "string", default: "yyyy-MM-dd" },
      "calibration-end": { type: "string" },
      unit: { type: "string", default: "week" },
      json: { type: "boolean", default: false },
    },
  });
  const problems: string[] = [];
  const [sub, ...extra] = positionals;
  if (sub !== "fit") problems.push(`clv: the subcommand is "fit"${sub ? ` (got "${sub}")` : ""}`);
  if (extra.length) problems.push(`clv: unexpected argument ${extra.join(" ")}`);
  if (!values.csv) problems.push("--csv: the transactions CSV file is required");
  else {
    try {
      if (!statSync(values.csv).isFile()) problems.push(`--csv: ${values.csv} is not a file`);
    } catch {
      problems.push(`--csv: cannot read ${values.csv}`);
    }
  }
  for (const name of ["customer", "date", "amount"] as const) if (!values[name]) problems.push(`--${name}: the column name is required`);
  const dateFormat = values["date-format"] as DateFormat;
  if (!DATE_FORMATS.includes(dateFormat)) problems.push(`--date-format: one of ${DATE_FORMATS.join(", ")}`);
  const unit = values.unit as ClvTimeUnit;
  if (!UNITS.includes(unit)) problems.push(`--unit: one of ${UNITS.join(", ")}`);
  let calibrationEnd: number | undefined;
  if (values["calibration-end"] !== undefined) {
    calibrationEnd = dayNumberOf(values["calibration-end"]);
    if (calibrationEnd === undefined) problems.push(`--calibration-end: a date as YYYY-MM-DD (got "${values["calibration-end"]}")`);
  }
  if (problems.length) throw new UsageError(problems.join("\n"));
  return {
    file: values.csv!,
    customer: values.customer!,
    date: values.date!,
    amount: values.amount!,
    dateFormat,
    calibrationEnd,
    unit,
    json: values.json ?? false,
  };
}

async function readTransactions(args: FitArgs): Promise<{ transactions: ClvTransaction[]; lastDay: number }> {
  const transactions: ClvTransaction[] = [];
  const errors: string[] = [];
  let columns: { customer: number; date: number; amount: number } | undefined;
  let lastDay = Number.NEGATIVE_INFINITY;
  const records = readCsvRecords(decodeCsvStream(createReadStream(args.file) as AsyncIterable<Uint8Array>));
  for await (const record of records) {
    if (!columns) {
      const header = record.fields.map((f) => f.trim());
      const find = (option: "customer" | "date" | "amount"): number => {
        const index = header.indexOf(args[option]);
        if (index < 0) throw new UsageError(`--${option}: no column "${args[option]}" in ${args.file} (columns: ${header.join(", ")})`);
        return index;
      };
      columns = { customer: find("customer"), date: find("date"), amount: find("amount") };
      continue;
    }
    if (record.fields.length === 1 && record.fields[0]!.trim() === "") continue;
    const problem = (column: string, reason: string) => errors.push(`line ${record.line}, column ${column}: ${reason}`);
    if (record.problem) problem("*", record.problem);
    const customerId = record.fields[columns.customer]?.trim() ?? "";
    const dateText = record.fields[columns.date]?.trim() ?? "";
    const amountText = record.fields[columns.amount]?.trim() ?? "";
    const day = dayNumberOf(dateText, args.dateFormat);
    const amount = amountText === "" ? Number.NaN : Number(amountText);
    if (!customerId) problem(args.customer, "empty customer id");
    if (day === undefined) problem(args.date, `"${dateText}" is not a date as ${args.dateFormat}`);
    if (!Number.isFinite(amount)) problem(args.amount, `"${amountText}" is not a number`);
    else if (amount < 0) problem(args.amount, `${amountText} is negative (remove refunds and returns before fitting)`);
    if (errors.length >= LISTED_ROW_ERRORS) break;
    if (customerId && day !== undefined && Number.isFinite(amount) && amount >= 0) {
      transactions.push({ customerId, day, amount });
      if (day > lastDay) lastDay = day;
    }
  }
  if (!columns) throw new DataError(`${args.file}: empty file (a header row is expected)`);
  if (errors.length) throw new DataError(`${args.file}: bad rows${errors.length >= LISTED_ROW_ERRORS ? ` (the first ${LISTED_ROW_ERRORS})` : ""}:\n  ${errors.join("\n  ")}`);
  return { transactions, lastDay };
}

function jsonOf(fit: ClvFit) {
  const { r, alpha, a, b, logLikelihood } = fit.bgNbd;
  return {
    bgnbd: { r, alpha, a, b, logLikelihood },
    gammaGamma: fit.gammaGamma ? { p: fit.gammaGamma.p, q: fit.gammaGamma.q, gamma: fit.gammaGamma.gamma } : null,
  };
}

function summaryOf(fit: ClvFit, args: FitArgs, calibrationEnd: number): string {
  const n = (v: number) => v.toFixed(4);
  const se = (v: number | undefined) => (v === undefined ? "" : ` (± ${v.toFixed(4)})`);
  const bg = fit.bgNbd;
  const lines = [
    `Customers: ${fit.customers.toLocaleString("en-US")} (${fit.repeatCustomers.toLocaleString("en-US")} with a repeat purchase); calibration end ${isoDateOf(calibrationEnd)}; time in ${args.unit}s`,
    `BG/NBD:      r = ${n(bg.r)}${se(bg.standardErrors?.r)}, alpha = ${n(bg.alpha)}${se(bg.standardErrors?.alpha)}, a = ${n(bg.a)}${se(bg.standardErrors?.a)}, b = ${n(bg.b)}${se(bg.standardErrors?.b)}; log-likelihood ${bg.logLikelihood.toFixed(2)}${bg.converged ? "" : " (not converged)"}`,
  ];
  const gg = fit.gammaGamma;
  lines.push(
    gg
      ? `Gamma-Gamma: p = ${n(gg.p)}${se(gg.standardErrors?.p)}, q = ${n(gg.q)}${se(gg.standardErrors?.q)}, gamma = ${n(gg.gamma)}${se(gg.standardErrors?.gamma)}; mean order value ${gg.q > 1 ? ((gg.p * gg.gamma) / (gg.q - 1)).toFixed(2) : "undefined (q ≤ 1)"}`
      : "Gamma-Gamma: not fitted (no customer with a repeat purchase of positive value)",
  );
  return `${lines.join("\n")}\n`;
}
