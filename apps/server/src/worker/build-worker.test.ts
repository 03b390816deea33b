import { describe, expect, it } from "vitest";
import type { FastifyBaseLogger } from "fastify";
import type { CoreServices } from "@siyu/core";
import { buildWorker, type ConsumerLoop } from "./build-worker";

const quietLog = { error: () => {} } as unknown as FastifyBaseLogger;
const services = {} as CoreServices;

/** A consumer with a backlog the test fills; records when each of its steps took something. */
function backlog(name: string, options: Omit<ConsumerLoop, "name" | "step"> = {}) {
  let waiting = 0;
  const took: number[] = [];
  const sizes: number[] = [];
  const loop: ConsumerLoop = {
    name,
    ...options,
    async step() {
      const n = waiting;
      waiting = 0;
      if (n > 0) {
        took.push(performance.now());
        sizes.push(n);
      }
      return n;
    },
  };
  return { loop, took, sizes, add: (n: number) => (waiting += n) };
}

const until = async (check: () => boolean, ms: number) => {
  const deadline = performance.now() + ms;
  while (!check() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return check();
};

describe("the worker's consumer loops", () => {
  it("wakes a consumer the moment the one it reads behind has handled a batch, not at its next poll", async () => {
    // The projector works through a long backlog, one 20 ms batch after another; everyone else
    // finds nothing at first and sleeps for a poll of a minute.
    let projected = 0;
    const projector: ConsumerLoop = {
      name: "profiles.projector",
      async step() {
        await new Promise((r) => setTimeout(r, 20));
        projected += 1;
        return 1;
      },
    };
    const follower = backlog("journeys.triggers", { after: "profiles.projector" });
    const bystander = backlog("warehouse.loader");
    const worker = buildWorker({ services, log: quietLog, schedules: [], consumers: [projector, follower.loop, bystander.loop], pollMs: 60_000 });
    worker.start();
    try {
      await new Promise((r) => setTimeout(r, 50));
      follower.add(3);
      bystander.add(3);
      const added = performance.now();
      // The projector's next batch wakes its follower, which takes its work at once.
      expect(await until(() => follower.took.length === 1, 2_000)).toBe(true);
      expect(follower.took[0]! - added).toBeLessThan(1_000);
      // A consumer that follows nobody sleeps on: the projector's batches are not its business.
      const batches = projected;
      await until(() => projected >= batches + 5, 2_000);
      expect(bystander.took).toHaveLength(0);
      // A kick (new events logged) wakes every consumer that follows nobody.
      worker.kick();
      expect(await until(() => bystander.took.length === 1, 2_000)).toBe(true);
    } finally {
      await worker.stop();
    }
  });

  it("takes work announced while it was busy at once, not at its next poll", async () => {
    // A batch sees what was there when it began (as a read of the log does) and takes 30 ms.
    let waiting = 0;
    const took: number[] = [];
    let steps = 0;
    const consumer: ConsumerLoop = {
      name: "profiles.projector",
      async step() {
        steps += 1;
        const n = waiting;
        waiting = 0;
        await new Promise((r) => setTimeout(r, 30));
        if (n > 0) took.push(performance.now());
        return n;
      },
    };
    const worker = buildWorker({ services, log: quietLog, schedules: [], consumers: [consumer], pollMs: 60_000 });
    worker.start();
    try {
      await new Promise((r) => setTimeout(r, 80));
      // A kick starts an empty batch; events logged while it runs are kicked too.
      worker.kick();
      await until(() => steps === 2, 1_000);
      waiting = 5;
      const added = performance.now();
      worker.kick();
      expect(await until(() => took.length === 1, 2_000)).toBe(true);
      expect(took[0]! - added).toBeLessThan(1_000);
    } finally {
      await worker.stop();
    }
  });

  it("leaves a kick's new events to the leader: its followers wake when it has handled them", async () => {
    const leader = backlog("profiles.projector");
    const follower = backlog("journeys.triggers", { after: "profiles.projector" });
    const worker = buildWorker({ services, log: quietLog, schedules: [], consumers: [leader.loop, follower.loop], pollMs: 60_000 });
    worker.start();
    try {
      await new Promise((r) => setTimeout(r, 50));
      // The follower has something, but nothing new reached its leader: a kick is not its business.
      follower.add(1);
      worker.kick();
      await new Promise((r) => setTimeout(r, 300));
      expect(follower.took).toHaveLength(0);
      // New events: the kick wakes the leader, whose batch wakes the follower.
      leader.add(2);
      worker.kick();
      expect(await until(() => follower.took.length === 1, 2_000)).toBe(true);
      expect(follower.took[0]!).toBeGreaterThanOrEqual(leader.took[0]!);
    } finally {
      await worker.stop();
    }
  });

  it("does not wake a consumer whose work is not the log (timers, bulk issues) on a kick: its poll takes it", async () => {
    const timers = backlog("journeys.timers", { wokenByIngest: false });
    const projector = backlog("profiles.projector");
    const worker = buildWorker({ services, log: quietLog, schedules: [], consumers: [projector.loop, timers.loop], pollMs: 60_000 });
    worker.start();
    try {
      await new Promise((r) => setTimeout(r, 50));
      timers.add(1);
      projector.add(1);
      worker.kick();
      expect(await until(() => projector.took.length === 1, 2_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(timers.took).toHaveLength(0);
    } finally {
      await worker.stop();
    }
  });

  it("makes a background consumer pause after a batch, so what arrives meanwhile goes in one bigger batch; idle, it takes new work at once", async () => {
    const leader = backlog("profiles.projector");
    const loyalty = backlog("loyalty.orders", { after: "profiles.projector", pauseMs: 400 });
    const journeys = backlog("journeys.triggers", { after: "profiles.projector" });
    const worker = buildWorker({ services, log: quietLog, schedules: [], consumers: [leader.loop, journeys.loop, loyalty.loop], pollMs: 60_000 });
    worker.start();
    try {
      await new Promise((r) => setTimeout(r, 50));
      // Idle: the first new work is taken as soon as the leader has handled it.
      const first = performance.now();
      leader.add(1);
      loyalty.add(1);
      journeys.add(1);
      worker.kick();
      expect(await until(() => loyalty.took.length === 1, 2_000)).toBe(true);
      expect(loyalty.took[0]! - first).toBeLessThan(300);
      // Three more leader batches within its pause: the journeys take each at once, loyalty waits and takes all three together.
      for (let i = 0; i < 3; i++) {
        leader.add(1);
        loyalty.add(1);
        journeys.add(1);
        worker.kick();
        await until(() => journeys.took.length === i + 2, 2_000);
        await new Promise((r) => setTimeout(r, 30));
      }
      expect(journeys.sizes).toEqual([1, 1, 1, 1]);
      expect(loyalty.took).toHaveLength(1);
      expect(await until(() => loyalty.took.length === 2, 2_000)).toBe(true);
      expect(loyalty.sizes).toEqual([1, 3]);
      expect(loyalty.took[1]! - loyalty.took[0]!).toBeGreaterThanOrEqual(390);
    } finally {
      // Stopping does not wait out a pause.
      const stopping = performance.now();
      await worker.stop();
      expect(performance.now() - stopping).toBeLessThan(300);
    }
  });

  it("does not pause a background consumer with a backlog: a full batch is followed by the next at once", async () => {
    const leader = backlog("profiles.projector");
    let waiting = 0;
    const took: number[] = [];
    const loyalty: ConsumerLoop = {
      name: "loyalty.orders",
      after: "profiles.projector",
      pauseMs: 10_000,
      batchSize: 100,
      async step() {
        const n = Math.min(100, waiting);
        waiting -= n;
        if (n > 0) took.push(n);
        return n;
      },
    };
    const worker = buildWorker({ services, log: quietLog, schedules: [], consumers: [leader.loop, loyalty], pollMs: 60_000 });
    worker.start();
    try {
      await new Promise((r) => setTimeout(r, 50));
      // A backlog of 350: three full batches back to back, then the rest; the pause comes only after that.
      waiting = 350;
      leader.add(1);
      worker.kick();
      expect(await until(() => took.length === 4, 2_000)).toBe(true);
      expect(took).toEqual([100, 100, 100, 50]);
    } finally {
      await worker.stop();
    }
  });

  it("drains a started worker only once the batch its own loop holds has finished (the rows it locked are skipped by drain's steps)", async () => {
    // One message, claimed by whichever step comes first; a claim holds it (locked) for 100 ms.
    let queued = 0;
    let delivered = 0;
    let claimed = false;
    const dispatcher: ConsumerLoop = {
      name: "messaging.dispatcher",
      async step() {
        if (queued === 0 || claimed) return 0;
        claimed = true;
        await new Promise((r) => setTimeout(r, 100));
        queued -= 1;
        delivered += 1;
        claimed = false;
        return 1;
      },
    };
    const worker = buildWorker({ services, log: quietLog, schedules: [], consumers: [dispatcher], pollMs: 60_000 });
    worker.start();
    try {
      await new Promise((r) => setTimeout(r, 20));
      queued = 1;
      worker.kick();
      await until(() => claimed, 1_000);
      await worker.drain();
      expect(delivered).toBe(1);
    } finally {
      await worker.stop();
    }
  });
});
