import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SmeeServer {
  url: string;
  /** What smee.io's HEAD /new answers: a redirect to a fresh channel. */
  newChannelUrl: string;
  /** Resolves once `channel` has a listener. */
  connected: (channel: string) => Promise<void>;
  /** How many listeners `channel` has. */
  listeners: (channel: string) => number;
  /** Sends one delivery down the channel the way smee.io does: headers as keys, the parsed JSON as `body`. */
  publish: (channel: string, headers: Record<string, string>, rawBody: string) => void;
  stop: () => Promise<void>;
}

/** A local stand-in for smee.io's event stream (https://github.com/probot/smee.io), for tests without network. */
export async function startSmeeServer(): Promise<SmeeServer> {
  const listeners = new Map<string, ServerResponse[]>();
  const waiting = new Map<string, (() => void)[]>();
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/new") {
      res.writeHead(307, { location: `${url}/${randomBytes(8).toString("base64url")}` }).end();
      return;
    }
    if (req.method === "GET" && req.headers.accept?.includes("text/event-stream")) {
      const channel = path.slice(1);
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      res.write(`event: ready\ndata: {}\n\n`);
      listeners.set(channel, [...(listeners.get(channel) ?? []), res]);
      for (const resolve of waiting.get(channel) ?? []) resolve();
      waiting.delete(channel);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    newChannelUrl: `${url}/new`,
    connected: (channel) =>
      listeners.get(channel)?.length
        ? Promise.resolve()
        : new Promise((resolve) => waiting.set(channel, [...(waiting.get(channel) ?? []), resolve])),
    listeners: (channel) => listeners.get(channel)?.length ?? 0,
    publish(channel, headers, rawBody) {
      const event = { ...headers, body: JSON.parse(rawBody) as unknown, query: {}, timestamp: Date.now() };
      for (const res of listeners.get(channel) ?? []) res.write(`data: ${JSON.stringify(event)}\n\n`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
