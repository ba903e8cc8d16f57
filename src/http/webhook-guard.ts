import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { closeAfterAnswer } from "./connection.js";
import { sendJson } from "./responses.js";
import type { HttpHandler } from "./router.js";
import { isWebhookTarget } from "./webhook-path.js";

/** GitHub caps webhook payloads at 25 MB; anything larger is not a GitHub delivery. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
/** No other route takes more than a small form or JSON object. */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** Webhook bodies held in memory at once, across all deliveries being read. */
export const MAX_WEBHOOK_BYTES_IN_FLIGHT = 100 * 1024 * 1024;

export interface WebhookGuardOptions {
  webhookPath: string;
  secret: string;
  log: Logger;
  isAccepting: () => boolean;
  /** Counts a delivery refused before it reached Probot, by its claimed event. */
  onRejected?: (event: string) => void;
  maxWebhookBytes?: number;
  maxBytesInFlight?: number;
}

function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string, message: string): true {
  sendJson(res, status, { error, message }, { connection: "close" });
  // Nothing of a refused body is read: its connection is cut once the answer is out. (A client still
  // sending may see that as a reset before it reads the 413.)
  closeAfterAnswer(req, res, 0);
  return true;
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
};

function signatureMatches(secret: string, body: Buffer, given: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Reads a body whose length was declared and checked; resolves null if the client went away. */
async function readDeclaredBody(req: IncomingMessage, length: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > length) return null;
      chunks.push(chunk as Buffer);
    }
  } catch {
    return null;
  }
  return Buffer.concat(chunks);
}

/**
 * Runs before anything else for every request. Bodies larger than a route takes are refused with 413
 * from their declared length, before a byte is read. Any target Probot would take as a delivery must
 * declare its length (GitHub always does), is read here within the cap and a budget shared by all
 * deliveries in flight, and has its signature checked here: an unsigned body is answered 400 and logged
 * by id, event and size only, so Probot never buffers, parses or logs what nobody signed.
 */
export function createWebhookGuard(options: WebhookGuardOptions): HttpHandler {
  const cap = options.maxWebhookBytes ?? MAX_WEBHOOK_BYTES;
  const budget = options.maxBytesInFlight ?? MAX_WEBHOOK_BYTES_IN_FLIGHT;
  let inFlight = 0;
  return async (req, res) => {
    const declared = req.headers["content-length"];
    const length = declared === undefined ? null : Number(declared);
    if (!isWebhookTarget(req.url, options.webhookPath)) {
      if (length !== null && length > MAX_REQUEST_BYTES)
        return refuse(req, res, 413, "payload_too_large", `request bodies are limited to ${MAX_REQUEST_BYTES} bytes`);
      return false;
    }
    if (req.method !== "POST") return false;
    if (!options.isAccepting())
      return refuse(req, res, 503, "shutting_down", "pr-sync is restarting; redeliver this webhook later");
    if (length === null || !Number.isSafeInteger(length))
      return refuse(req, res, 413, "payload_too_large", "webhook deliveries must declare their Content-Length");
    if (length > cap) return refuse(req, res, 413, "payload_too_large", `webhook bodies are limited to ${cap} bytes`);
    const id = header(req, "x-github-delivery");
    const event = header(req, "x-github-event");
    const signature = header(req, "x-hub-signature-256");
    // Probot answers these itself without reading the body.
    if (!id || !event || !signature || !/^\s*application\/json\s*(;|$)/.test(header(req, "content-type") ?? ""))
      return false;
    if (inFlight + length > budget) {
      res.setHeader("retry-after", "10");
      return refuse(req, res, 503, "busy", "too many large deliveries at once; redeliver this webhook later");
    }
    // The budget holds until the answer is out: Probot keeps the body while its handlers run.
    inFlight += length;
    res.once("close", () => (inFlight -= length));
    const body = await readDeclaredBody(req, length);
    if (body === null) {
      res.destroy();
      return true;
    }
    if (!signatureMatches(options.secret, body, signature)) {
      options.log.warn({ delivery: id, event, bytes: body.length }, "refused a webhook whose signature does not match");
      options.onRejected?.(event);
      sendJson(res, 400, { error: "signature_mismatch", message: "the signature does not match the body and secret" });
      return true;
    }
    // @octokit/webhooks takes an already-read body from `rawBody` instead of reading the stream again.
    Object.assign(req, { body: {}, rawBody: body });
    return false;
  };
}
