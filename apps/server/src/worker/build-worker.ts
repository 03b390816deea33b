import type { FastifyBaseLogger } from "fastify";
import type { CoreServices } from "@siyu/core";
import { SCHEDULES, type Schedule } from "./schedules";

export interface Worker {
  start(): void;
  stop(): void;
  runOnce(name: string): Promise<void>;
}

export function buildWorker(deps: { services: CoreServices; log: FastifyBaseLogger; schedules?: Schedule[] }): Worker {
  const schedules = deps.schedules ?? SCHEDULES;
  const timers: NodeJS.Timeout[] = [];
  async function run(schedule: Schedule) {
    try {
      await schedule.run(deps.services);
    } catch (error) {
      deps.log.error({ err: error, job: schedule.name }, "scheduled job failed");
    }
  }
  return {
    start() {
      for (const schedule of schedules) {
        const timer = setInterval(() => void run(schedule), schedule.everyMs);
        timer.unref();
        timers.push(timer);
      }
    },
    stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
    },
    async runOnce(name) {
      const schedule = schedules.find((s) => s.name === name);
      if (!schedule) throw new Error(`No scheduled job ${name}`);
      await run(schedule);
    },
  };
}
