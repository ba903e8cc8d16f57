import type { Config } from "../../../config.js";
import { dataPath } from "../../../paths.js";
import { createOutboxDriver } from "./outbox.driver.js";
import { createSmtpDriver } from "./smtp.driver.js";

/** A fully rendered message; the driver only delivers it. */
export interface OutgoingEmail {
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** Deterministic per batch, so a resent copy is recognisable as the same message. */
  messageId: string;
}

export interface EmailDriver {
  /** Where emails go, for logs: the SMTP host or the outbox folder (never credentials). */
  destination: string;
  /** Resolves once the server accepted the message (or the file is written); `location` names where it went. */
  send: (email: OutgoingEmail) => Promise<{ location: string }>;
}

/** SMTP when SMTP_URL is set, otherwise .eml files under DATA_DIR/outbox so a fresh install shows its email. */
export function createEmailDriver(config: Pick<Config, "SMTP_URL" | "DATA_DIR">): EmailDriver {
  return config.SMTP_URL
    ? createSmtpDriver({ url: config.SMTP_URL })
    : createOutboxDriver({ dir: dataPath(config.DATA_DIR, "outbox") });
}
