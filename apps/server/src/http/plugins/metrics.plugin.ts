import fp from "fastify-plugin";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus metrics at /metrics; one registry per app so several apps can share a process. */
export const metricsPlugin = fp<{ registry: Registry }>(async (app, { registry }) => {
  collectDefaultMetrics({ register: registry, prefix: "siyu_" });
  const requests = new Counter({
    name: "siyu_http_requests_total",
    help: "HTTP requests by route, method and status",
    labelNames: ["route", "method", "status"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "siyu_http_request_duration_seconds",
    help: "HTTP request latency by route and method",
    labelNames: ["route", "method"],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    requests.inc({ route, method: req.method, status: String(reply.statusCode) });
    duration.observe({ route, method: req.method }, reply.elapsedTime / 1000);
  });
});

export function createMetricsRegistry(): Registry {
  return new Registry();
}

/** Trigger → handed-to-channel latency of outgoing messages (the dispatcher observes it per message). */
export function messageLatencyHistogram(registry: Registry): Histogram<"channel"> {
  return new Histogram({
    name: "siyu_message_trigger_to_channel_seconds",
    help: "Seconds from a message's trigger (the event, or the API request) to its hand-over to the channel, by channel",
    labelNames: ["channel"],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 24 * 3600],
    registers: [registry],
  });
}
