import type { IncomingMessage, ServerResponse } from "node:http";
import { closeAfterAnswer } from "../../http/connection.js";
import { badRequest, notFound, payloadTooLarge } from "./status-page.errors.js";

const MAX_BODY_BYTES = 16 * 1024;

/**
 * Collects at most MAX_BODY_BYTES. Past that it stops listening without destroying the request (a
 * destroyed request resets the connection before the answer is read); the rest is drained after the answer.
 */
function collect(req: IncomingMessage, res: ServerResponse): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      cleanup();
      req.pause();
      closeAfterAnswer(req, res, 1024 * 1024);
      reject(payloadTooLarge());
    };
    const onEnd = () => (cleanup(), resolve(Buffer.concat(chunks)));
    const onError = (error: Error) => (cleanup(), reject(error));
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** Reads a small form or JSON body; anything larger is a 413, anything else a 400. */
export async function readBody(req: IncomingMessage, res: ServerResponse): Promise<Record<string, unknown>> {
  const text = (await collect(req, res)).toString("utf8");
  if (text.trim() === "") return {};
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // falls through to the 400 below
    }
    throw badRequest("The body must be a JSON object.");
  }
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(text));
  throw badRequest("Send the body as application/json or a form.");
}

/** A path id: a positive safe integer, else null (the caller answers 404). */
export function parseId(raw: string | undefined): number | null {
  if (!raw || !/^\d{1,16}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The id in a path, or a 404 naming what does not exist. */
export function requireId(raw: string | undefined, what: string): number {
  const id = parseId(raw);
  if (id === null) throw notFound(what);
  return id;
}

/** Headers every status-page answer carries: no caching, no framing, scripts and styles only from here. */
export function securityHeaders(): Record<string, string> {
  return {
    "content-security-policy":
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
  };
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, {
    ...securityHeaders(),
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    ...headers,
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(303, { ...securityHeaders(), location, "content-length": 0, ...headers });
  res.end();
}
