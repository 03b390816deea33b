import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
}

export function machineInfo(): MachineInfo {
  const cpuinfo = safeRead("/proc/cpuinfo");
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown";
  let kernel = "unknown";
  try {
    kernel = execFileSync("uname", ["-sr"], { encoding: "utf8" }).trim();
  } catch {
    // not a Unix: leave it unknown
  }
  return { cpuModel: model, cores: availableParallelism(), memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kernel };
}

export function formatMachine(m: MachineInfo): string {
  return `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.kernel}`;
}

/** Resident and peak resident memory of a process (Linux /proc), in MiB. */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } | null {
  const status = safeRead(`/proc/${pid}/status`);
  const rss = /VmRSS:\s*(\d+) kB/.exec(status)?.[1];
  const hwm = /VmHWM:\s*(\d+) kB/.exec(status)?.[1];
  if (!rss || !hwm) return null;
  return { rssMiB: Number(rss) / 1024, peakMiB: Number(hwm) / 1024 };
}

const TICKS_PER_SECOND = 100; // USER_HZ on every Linux the benchmarks run on

/** CPU seconds (user + system) a process has used so far. */
export function cpuSecondsOf(pid: number): number | null {
  const stat = safeRead(`/proc/${pid}/stat`);
  if (!stat) return null;
  // Fields after the command name, which may itself contain spaces, in parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Busy and total jiffies of the whole machine, to show how much of it a run used. */
export function machineCpu(): { busy: number; total: number } {
  const line = safeRead("/proc/stat").split("\n")[0] ?? "";
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
