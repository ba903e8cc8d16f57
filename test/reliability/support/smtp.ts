import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface RecordingSmtp {
  port: number;
  /** Raw messages received, in order. */
  messages: string[];
  close: () => Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that records every message; `port` 0 picks a free one. */
export async function startRecordingSmtp(port = 0): Promise<RecordingSmtp> {
  const messages: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        messages.push(Buffer.concat(chunks).toString("utf8"));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
