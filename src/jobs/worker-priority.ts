import { readdirSync, readFileSync, writeFileSync } from "node:fs";
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
 * out between sessions first and by niceness only within each: a worker with a session of its own (a systemd
 * service, `setsid`, `npm start` under either) gets as much as a web process in another session, whatever its
 * niceness, unless its session's group is lowered as well. A session that also holds other processes (a web
 * process started by the same script) or a terminal (the user's shell, which would stay lowered after the
 * worker stops) is left alone.
 */
function lowerOwnSessionGroup(niceness: number, log: Logger): void {
  const group = readOrUndefined("/proc/self/autogroup");
  if (group === undefined || !sessionIsOwn()) return;
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

interface ProcessStat {
  pid: number;
  ppid: number;
  session: number;
  /** The controlling terminal's device number; 0 for none. */
  terminal: number;
}

/** /proc/<pid>/stat: "pid (command) state ppid pgrp session tty_nr …", the command possibly holding spaces. */
function processStat(pid: string): ProcessStat | undefined {
  const stat = readOrUndefined(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    pid: Number(stat.slice(0, stat.indexOf(" "))),
    ppid: Number(fields[1]),
    session: Number(fields[3]),
    terminal: Number(fields[4]),
  };
}

/**
 * Whether this process's session has no terminal and holds only this process, the processes that started it
 * (`npm`, a shell) and the ones it started.
 */
function sessionIsOwn(): boolean {
  const self = processStat("self");
  if (!self || self.terminal !== 0) return false;
  const all = readdirSync("/proc").flatMap((entry) => (/^\d+$/.test(entry) ? (processStat(entry) ?? []) : []));
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const lineage = (p: ProcessStat): number[] => {
    const pids: number[] = [];
    for (let q: ProcessStat | undefined = p; q && !pids.includes(q.pid); q = byPid.get(q.ppid)) pids.push(q.pid);
    return pids;
  };
  const ancestors = new Set(lineage(self));
  return all.every((p) => p.session !== self.session || ancestors.has(p.pid) || lineage(p).includes(self.pid));
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
