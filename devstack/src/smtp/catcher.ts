/**
 * A local SMTP catcher: an SMTP server (smtp-server) that accepts every message, any login or none,
 * parses it (mailparser) and keeps it in memory, plus a small HTTP control API so tests and developers
 * can read what was sent: GET /messages (?to=address), DELETE /messages.
 */
import { createServer as createHttpServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CaughtMail {
  from: string;
  /** Envelope recipients (RCPT TO), lower-cased. */
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  at: number;
}

export interface SmtpCatcher {
  /** SMTP host and port (SMTP_HOST / SMTP_PORT for the functions). */
  smtpHost: string;
  smtpPort: number;
  /** http://host:port of the control API. */
  url: string;
  messages: CaughtMail[];
  close(): Promise<void>;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function startSmtpCatcher(
  options: { host?: string; smtpPort?: number; controlPort?: number; log?: (line: string) => void } = {},
): Promise<SmtpCatcher> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? (() => {});
  const messages: CaughtMail[] = [];

  const smtp = new SMTPServer({
    // Plain SMTP on localhost: no STARTTLS offered, and any credentials (or none) accepted.
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: "local" });
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail: CaughtMail = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : null,
            at: Date.now(),
          };
          messages.push(mail);
          log(`mail to ${mail.to.join(", ")}: ${mail.subject}`);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.server.once("error", reject);
    smtp.listen(options.smtpPort ?? 0, host, () => resolve());
  });

  const sockets = new Set<Socket>();
  const control = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://smtp.local");
    if (url.pathname !== "/messages") return answer(res, 404, { error: `no route ${req.method} ${url.pathname}` });
    if (req.method === "DELETE") {
      messages.length = 0;
      return answer(res, 200, {});
    }
    const to = url.searchParams.get("to")?.toLowerCase();
    answer(res, 200, { messages: to ? messages.filter((mail) => mail.to.includes(to)) : messages });
  });
  control.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    control.once("error", reject);
    control.listen(options.controlPort ?? 0, host, () => resolve());
  });

  return {
    smtpHost: host,
    smtpPort: (smtp.server.address() as AddressInfo).port,
    url: `http://${host}:${(control.address() as AddressInfo).port}`,
    messages,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => control.close(() => resolve())),
        new Promise<void>((resolve) => smtp.close(() => resolve())),
      ]);
    },
  };
}
