import { readFileSync, writeFileSync } from "node:fs";
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
    if (getPriority() < niceness) {
      setPriority(niceness);
      log.info({ niceness }, "worker runs at a lower CPU priority than web processes");
    }
  } catch (error) {
    log.warn({ err: error, niceness }, "could not lower the worker's CPU priority; it runs as started");
  }
  lowerOwnSessionGroup(niceness, log);
}

/**
 * Where Linux groups processes by session (autogroups, on in most distributions' kernels), it shares the CPU
 * out between sessions first and by niceness only within each: a worker leading a session of its own (a
 * systemd service, `setsid`) gets as much as a web process in another session, whatever its niceness, unless
 * its session's group is lowered as well. A worker in someone else's session leaves that group alone: the
 * group holds other processes too, a web process perhaps.
 */
function lowerOwnSessionGroup(niceness: number, log: Logger): void {
  const group = readOrUndefined("/proc/self/autogroup");
  if (group === undefined || !leadsOwnSession()) return;
  // "/autogroup-123 nice 0"
  const current = Number(/nice (-?\d+)/.exec(group)?.[1] ?? 0);
  if (current >= niceness) return;
  try {
    writeFileSync("/proc/self/autogroup", String(niceness));
    log.info({ niceness }, "the worker's session runs at a lower CPU priority than other sessions");
  } catch (error) {
    log.warn({ err: error, niceness }, "could not lower the CPU priority of the worker's session");
  }
}

/** Whether this process started its session (its session id is its pid), as a service manager's processes do. */
function leadsOwnSession(): boolean {
  const stat = readOrUndefined("/proc/self/stat");
  // "pid (command) state ppid pgrp session …": the command may hold spaces and parentheses, so split after it.
  const fields = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields !== undefined && Number(fields[3]) === process.pid;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
