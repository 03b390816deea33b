import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON. */
  body: unknown;
}

export interface FakeHttpServer {
  /** Base URL ending in "/", on 127.0.0.1. */
  url: string;
  close(): Promise<void>;
}

/** A provider stand-in on a loopback port: each request is read whole and answered by `handle`. */
export async function startFakeHttpServer(handle: (req: FakeRequest) => FakeAnswer | Promise<FakeAnswer>): Promise<FakeHttpServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request: FakeRequest = { method: req.method ?? "GET", url: new URL(req.url ?? "/", "http://fake"), headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      Promise.resolve()
        .then(() => handle(request))
        .then(
          (answer) => {
            const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
            res.writeHead(answer.status ?? 200, { "content-type": typeof answer.body === "string" ? "text/plain" : "application/json; charset=utf-8", ...answer.headers });
            res.end(text);
          },
          (error: unknown) => {
            res.writeHead(500, { "content-type": "text/plain" });
            res.end(String(error));
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
