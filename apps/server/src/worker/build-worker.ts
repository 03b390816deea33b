import type { FastifyBaseLogger } from "fastify";
import type { CoreServices } from "@siyu/core";
import { SCHEDULES, type Schedule } from "./schedules";

/** A consumer that works through a backlog: each step handles one batch and says how many items it took. */
export interface ConsumerLoop {
  name: string;
  step(): Promise<number>;
  /**
   * The consumer this one reads behind (e.g. the projector): when that one has handled a batch,
   * this one is woken at once instead of at its next poll, so what the first made ready moves on
   * within a batch, not a poll.
   */
  after?: string;
  /**
   * Whose work does not come from the event log (timers, bulk issues) sets this false: a kick
   * (events were just logged) does not wake it, its poll does. Consumers that follow another are
   * woken by that one, not by kicks.
   */
  wokenByIngest?: boolean;
  /**
   * After a batch that took something, wait this long before the next. For consumers off the path
   * from an event to a customer's message: under load they take fewer, bigger batches (each batch
   * has a fixed cost) and leave the one embedded connection to that path. A consumer that was idle
   * still takes its first new work at once, and one with a backlog (`batchSize` taken) takes the
   * next batch at once too.
   */
  pauseMs?: number;
  /** The most a step takes: a batch this size means more is waiting (no pause). */
  batchSize?: number;
}

export interface Worker {
  start(): void;
  stop(): Promise<void>;
  /** New work arrived: run the consumers now rather than at their next poll (those behind another when it has handled it). */
  kick(): void;
  runOnce(name: string): Promise<void>;
  /** Runs every consumer until none has anything left, the started loops' batches in flight included (tests, CLI imports). */
  drain(): Promise<void>;
}

export function buildWorker(deps: {
  services: CoreServices;
  log: FastifyBaseLogger;
  schedules?: Schedule[];
  consumers?: ConsumerLoop[];
  pollMs?: number;
}): Worker {
  const schedules = deps.schedules ?? SCHEDULES;
  const consumers = deps.consumers ?? [];
  const pollMs = deps.pollMs ?? 250;
  const timers: NodeJS.Timeout[] = [];
  let running = false;
  /** Each idle consumer's wake-up, by consumer name. */
  const wakers = new Map<string, () => void>();
  /**
   * Consumers woken while not idle (in a batch, or between batches yielding to requests): each
   * takes one more batch instead of sleeping, or the new work would wait for its next poll.
   */
  const wokenWhileBusy = new Set<string>();
  function wake(name: string) {
    const waker = wakers.get(name);
    if (waker) waker();
    else wokenWhileBusy.add(name);
  }
  const loops: Promise<void>[] = [];
  /** Each running loop's batch in flight, by consumer name: `drain` waits for them. */
  const inFlight = new Map<string, Promise<number>>();
  // PGlite runs queries in-process: without a turn of the event loop between batches,
  // a backlog would starve HTTP requests for as long as it lasts.
  const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

  async function runSchedule(schedule: Schedule) {
    try {
      await schedule.run(deps.services);
    } catch (error) {
      deps.log.error({ err: error, job: schedule.name }, "scheduled job failed");
    }
  }

  function wakeFollowersOf(name: string) {
    for (const follower of consumers) if (follower.after === name) wake(follower.name);
  }

  /** Sleeps `ms`, or less when the worker stops meanwhile (it should not wait out a pause). */
  const stopping = new Set<() => void>();
  function sleepUnlessStopped(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      stopping.add(done);
      function done() {
        clearTimeout(timer);
        stopping.delete(done);
        resolve();
      }
    });
  }

  async function loop(consumer: ConsumerLoop) {
    let failures = 0;
    while (running) {
      let handled = 0;
      // A wake from here on is for work this batch may not see: it is recorded again.
      wokenWhileBusy.delete(consumer.name);
      const step = consumer.step();
      inFlight.set(consumer.name, step);
      try {
        handled = await step;
        failures = 0;
      } catch (error) {
        failures += 1;
        deps.log.error({ err: error, consumer: consumer.name }, "consumer batch failed; it will be retried");
      } finally {
        inFlight.delete(consumer.name);
      }
      if (handled > 0) wakeFollowersOf(consumer.name);
      await yieldToRequests();
      const backlog = consumer.batchSize !== undefined && handled >= consumer.batchSize;
      if (handled > 0 && !backlog && consumer.pauseMs && running) await sleepUnlessStopped(consumer.pauseMs);
      if (handled > 0 || !running) continue;
      if (failures === 0 && wokenWhileBusy.delete(consumer.name)) continue;
      // Idle (or failing: back off up to ~10 s) until new work is announced or the poll comes round.
      const wait = failures > 0 ? Math.min(10_000, pollMs * 2 ** failures) : pollMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, wait);
        timer.unref();
        function done() {
          clearTimeout(timer);
          wakers.delete(consumer.name);
          resolve();
        }
        wakers.set(consumer.name, done);
      });
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      for (const schedule of schedules) {
        const timer = setInterval(() => void runSchedule(schedule), schedule.everyMs);
        timer.unref();
        timers.push(timer);
      }
      for (const consumer of consumers) loops.push(loop(consumer));
    },
    async stop() {
      running = false;
      for (const timer of timers.splice(0)) clearInterval(timer);
      for (const wake of [...wakers.values(), ...stopping]) wake();
      await Promise.all(loops.splice(0));
    },
    kick() {
      // A consumer behind another is woken by that one once it has handled the new work.
      for (const consumer of consumers) if (!consumer.after && consumer.wokenByIngest !== false) wake(consumer.name);
    },
    async runOnce(name) {
      const schedule = schedules.find((s) => s.name === name);
      if (!schedule) throw new Error(`No scheduled job ${name}`);
      await runSchedule(schedule);
    },
    async drain() {
      for (let busy = true; busy; ) {
        busy = false;
        for (const consumer of consumers) {
          while ((await consumer.step()) > 0) busy = true;
          // A started worker's own batch may hold rows this step skipped (locked): wait for it.
          const running = inFlight.get(consumer.name);
          if (running && (await running.catch(() => 0)) > 0) busy = true;
        }
      }
    },
  };
}
