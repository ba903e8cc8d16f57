import { connect } from "node:net";

export interface RawAnswer {
  /** 0 when the connection ended before a status line arrived. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  port: number;
  method?: string;
  /** Sent as written: no URL normalisation, as a hostile client would. */
  target: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Streams this many bytes with chunked encoding and no length, stopping as soon as an answer arrives. */
  chunkedBytes?: number;
  timeoutMs?: number;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x20);
const CHUNK_FRAME = Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from("\r\n")]);

function parseHead(head: string): { status: number; headers: Record<string, string> } {
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1] ?? 0), headers };
}

function decodeChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = parseInt(raw.subarray(at, lineEnd).toString(), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * One HTTP/1.1 request over a plain socket. Node's http client is patched by nock's interceptors once any
 * test in the same worker loaded nock, and those buffer whole request bodies: tests and the bench that send
 * hostile bodies use this client so what they measure is pr-sync, not the interceptor.
 */
export function rawRequest(request: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: request.port });
    const received: Buffer[] = [];
    let answered: { status: number; headers: Record<string, string>; bodyStart: number } | undefined;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const all = Buffer.concat(received);
      if (!answered) return resolve({ status: 0, headers: {}, body: "" });
      const rawBody = all.subarray(answered.bodyStart);
      const body = answered.headers["transfer-encoding"] === "chunked" ? decodeChunked(rawBody) : rawBody;
      resolve({ status: answered.status, headers: answered.headers, body: body.toString() });
    };
    const timer = setTimeout(finish, request.timeoutMs ?? 30_000);
    socket.on("data", (data: Buffer) => {
      received.push(data);
      const all = Buffer.concat(received);
      if (!answered) {
        const end = all.indexOf("\r\n\r\n");
        if (end < 0) return;
        answered = { ...parseHead(all.subarray(0, end).toString("latin1")), bodyStart: end + 4 };
      }
      const rest = all.length - answered.bodyStart;
      const length = answered.headers["content-length"];
      if (length !== undefined && rest >= Number(length)) finish();
      else if (answered.headers["transfer-encoding"] === "chunked" && all.subarray(-5).toString() === "0\r\n\r\n")
        finish();
    });
    socket.on("error", finish);
    socket.on("close", finish);

    const headers: Record<string, string> = { host: `127.0.0.1:${request.port}`, ...request.headers };
    if (request.chunkedBytes !== undefined) headers["transfer-encoding"] = "chunked";
    else if (request.body !== undefined && headers["content-length"] === undefined)
      headers["content-length"] = String(Buffer.byteLength(request.body));
    const head = [`${request.method ?? "POST"} ${request.target} HTTP/1.1`]
      .concat(Object.entries(headers).map(([name, value]) => `${name}: ${value}`))
      .join("\r\n");
    socket.write(`${head}\r\n\r\n`);
    if (request.chunkedBytes !== undefined) {
      let sent = 0;
      const pump = () => {
        while (sent < request.chunkedBytes! && !answered && !socket.destroyed) {
          sent += CHUNK.length;
          if (!socket.write(CHUNK_FRAME)) return void socket.once("drain", pump);
        }
        if (!answered && !socket.destroyed) socket.write("0\r\n\r\n");
      };
      pump();
    } else if (request.body !== undefined) socket.write(request.body);
  });
}
