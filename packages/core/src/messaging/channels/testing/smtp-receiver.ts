import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface SmtpReceiverOptions {
  user?: string;
  password?: string;
  /** Recipient → the SMTP reply to refuse it with, e.g. { "gone@x.test": [550, "5.1.1 no such user"] }. */
  refuse?: Record<string, [number, string]>;
}

/**
 * A real SMTP server on a loopback port (smtp-server, pure JS): it takes AUTH PLAIN/LOGIN over the
 * plain connection (no STARTTLS), refuses listed recipients with the given reply code, and keeps
 * every message that arrived, parsed.
 */
export async function startSmtpReceiver(options: SmtpReceiverOptions = {}) {
  const received: { envelopeTo: string[]; mail: ParsedMail; raw: string }[] = [];
  const refuse = { ...options.refuse };
  const server = new SMTPServer({
    authOptional: !options.user,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) return callback(null, { user: auth.username });
      const error = Object.assign(new Error("Invalid username or password"), { responseCode: 535 });
      return callback(error);
    },
    onRcptTo(address, _session, callback) {
      const refusal = refuse[address.address];
      if (refusal) return callback(Object.assign(new Error(refusal[1]), { responseCode: refusal[0] }));
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw).then(
          (mail) => {
            received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail, raw });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    host: "127.0.0.1",
    port,
    received,
    /** Refuse a recipient from now on (or stop refusing it with null). */
    setRefusal(address: string, reply: [number, string] | null) {
      if (reply) refuse[address] = reply;
      else delete refuse[address];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type SmtpReceiver = Awaited<ReturnType<typeof startSmtpReceiver>>;
