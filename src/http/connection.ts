import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * After a refused request's answer is written: reads and discards at most `drainBytes` more of its body
 * so the client, still sending, reads the answer instead of a reset; then closes the connection.
 * A body larger than that (or a zero budget) has its connection destroyed at once.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse, drainBytes: number): void {
  res.once("finish", () => {
    if (req.complete) return;
    let drained = 0;
    const stop = () => req.socket.destroy();
    if (drainBytes <= 0) return stop();
    const timer = setTimeout(stop, 2_000).unref();
    req.on("data", (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > drainBytes) stop();
    });
    req.once("end", () => clearTimeout(timer));
    req.once("close", () => clearTimeout(timer));
    req.resume();
  });
}
