import { PGlite } from "@electric-sql/pglite";

/**
 * Times every SQL statement an embedded (PGlite) store runs in this process, by
 * wrapping the one method every query goes through. The wire messages of a
 * statement (parse, describe, bind, execute, sync) are charged to its text.
 * Benchmark-only instrumentation: it patches PGlite's prototype for the process.
 */
export function timeStatements() {
  const stats = new Map<string, { calls: number; ms: number }>();
  const proto = PGlite.prototype as unknown as { execProtocolStream: (message: Uint8Array, options?: unknown) => Promise<unknown> };
  const original = proto.execProtocolStream;
  let current = "(unknown)";
  let enabled = true;
  proto.execProtocolStream = async function (this: unknown, message: Uint8Array, options?: unknown) {
    if (!enabled) return original.call(this, message, options);
    const kind = String.fromCharCode(message[0] ?? 0);
    if (kind === "P") {
      // Parse: int32 length, statement name\0, query text\0, …
      const nameEnd = message.indexOf(0, 5);
      current = label(Buffer.from(message.subarray(nameEnd + 1, message.indexOf(0, nameEnd + 1))).toString("utf8"));
    } else if (kind === "Q") {
      current = label(Buffer.from(message.subarray(5, message.indexOf(0, 5))).toString("utf8"));
    }
    const key = current;
    const started = performance.now();
    try {
      return await original.call(this, message, options);
    } finally {
      const s = stats.get(key) ?? { calls: 0, ms: 0 };
      if (kind === "P" || kind === "Q") s.calls += 1;
      s.ms += performance.now() - started;
      stats.set(key, s);
    }
  };
  return {
    reset() {
      stats.clear();
    },
    pause() {
      enabled = false;
    },
    resume() {
      enabled = true;
    },
    /** Statements run since the last reset. */
    totalCalls() {
      let total = 0;
      for (const s of stats.values()) total += s.calls;
      return total;
    },
    totalMs() {
      let total = 0;
      for (const s of stats.values()) total += s.ms;
      return total;
    },
    report(top = 20): string {
      const total = this.totalMs();
      return [...stats.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, top)
        .map(([sql, s]) => `  ${((s.ms / total) * 100).toFixed(1).padStart(5)} %  ${(s.ms / 1000).toFixed(2).padStart(7)} s  ${String(s.calls).padStart(6)}×  ${sql}`)
        .join("\n");
    },
    restore() {
      proto.execProtocolStream = original;
    },
  };
}

function label(sql: string): string {
  return sql.replace(/\s+/g, " ").trim().slice(0, 110);
}
