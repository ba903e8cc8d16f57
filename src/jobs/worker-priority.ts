import { getPriority, setPriority } from "node:os";
import type { Logger } from "pino";

/**
 * Lowers this process's CPU priority to `niceness` (Unix nice, 0–19) for a worker: syncs are background
 * work, and a web process on the same machine must not wait for the CPU behind them. A process started
 * nicer than that is left as it is (raising priority needs privileges). Linux applies it to the calling
 * thread, which is the one running JavaScript, and to threads it starts later.
 */
export function lowerWorkerPriority(niceness: number, log: Logger): void {
  if (niceness === 0) return;
  try {
    if (getPriority() >= niceness) return;
    setPriority(niceness);
    log.info({ niceness }, "worker runs at a lower CPU priority than web processes");
  } catch (error) {
    log.warn({ err: error, niceness }, "could not lower the worker's CPU priority; it runs as started");
  }
}
