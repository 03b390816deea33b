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
  // The embedded store prepares a statement once under a name and later binds only the name.
  const named = new Map<string, string>();
  const cstring = (message: Uint8Array, from: number) => Buffer.from(message.subarray(from, message.indexOf(0, from))).toString("utf8");
  proto.execProtocolStream = async function (this: unknown, message: Uint8Array, options?: unknown) {
    // The first message of the call names it: a Close of an evicted statement may come before a Parse.
    let at = 0;
    while (String.fromCharCode(message[at] ?? 0) === "C") at += 1 + Buffer.from(message.buffer, message.byteOffset + at + 1, 4).readInt32BE(0);
    const kind = String.fromCharCode(message[at] ?? 0);
    // Parse (int32 length, statement name\0, query text\0, …) is read even while paused: a statement
    // prepared during a warm-up is bound by its name alone afterwards.
    const parsed = kind === "P" ? cstring(message, at + 5) : null;
    if (parsed !== null) {
      current = label(cstring(message, at + 5 + Buffer.byteLength(parsed) + 1));
      if (parsed) named.set(parsed, current);
    }
    if (!enabled) return original.call(this, message, options);
    let statement = parsed === "";
    if (kind === "Q") {
      current = label(cstring(message, at + 5));
      statement = true;
    } else if (kind === "B") {
      // Bind: int32 length, portal\0, statement\0, …
      const portal = cstring(message, at + 5);
      const name = cstring(message, at + 5 + Buffer.byteLength(portal) + 1);
      if (name) {
        current = named.get(name) ?? current;
        statement = true;
      }
    }
    const key = current;
    const started = performance.now();
    try {
      return await original.call(this, message, options);
    } finally {
      const s = stats.get(key) ?? { calls: 0, ms: 0 };
      if (statement) s.calls += 1;
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
      // Statements are kept apart by their whole text; those whose shown beginning is the same are numbered.
      const seen = new Map<string, number>();
      const shown = (sql: string) => {
        const start = sql.slice(0, 110);
        const n = (seen.get(start) ?? 0) + 1;
        seen.set(start, n);
        return n === 1 ? start : `${start} [#${n}]`;
      };
      return [...stats.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, top)
        .map(([sql, s]) => `  ${((s.ms / total) * 100).toFixed(1).padStart(5)} %  ${(s.ms / 1000).toFixed(2).padStart(7)} s  ${String(s.calls).padStart(6)}×  ${shown(sql)}`)
        .join("\n");
    },
    restore() {
      proto.execProtocolStream = original;
    },
  };
}

/** A statement's text with its white space collapsed: the key its time is kept under. */
function label(sql: string): string {
  return sql.replace(/\s+/g, " ").trim();
}
