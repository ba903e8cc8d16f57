import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { SyncKind } from "../src/modules/repositories/repositories.jobs.js";
import type { EnqueueResult } from "../src/jobs/job-queue.js";
import { projectRoot } from "../src/paths.js";
import type { ChildCommand, ChildReply, MemoryFigures } from "./pr-sync-messages.js";

/** pr-sync running in a child process, as the bench drives it. */
export interface PrSyncProcess {
  pid: number;
  url: string;
  hasRepositorySync: boolean;
  requestSync: (repositoryId: number, kind: SyncKind) => Promise<EnqueueResult>;
  memory: () => Promise<MemoryFigures>;
  /** Queues the daily catch-up of every installation at once; answers what was queued. */
  catchUp: () => Promise<{ queued: number; alreadyQueued: number; memberSyncs: number }>;
  /** Stops pr-sync and ends the process; answers its memory figures at the end. */
  stop: () => Promise<MemoryFigures>;
}

/** Forks bench/pr-sync-process.ts (through tsx, as `npm run bench` runs) and starts pr-sync in it. */
export async function startPrSyncProcess(options: {
  env: Record<string, string>;
  databaseUrl: string;
}): Promise<PrSyncProcess> {
  const child: ChildProcess = fork(join(projectRoot, "bench", "pr-sync-process.ts"), [], {
    cwd: projectRoot,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // A session of its own, as each pr-sync service has on a machine: where Linux shares the CPU out by
    // session first, a web process must not share the bench's session with the simulator and load generator.
    // It still ends with the bench: it stops when the IPC channel closes.
    detached: true,
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  child.on("message", (message) => {
    const reply = message as ChildReply;
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.result);
    else waiter.reject(new Error(`pr-sync process: ${reply.error}`));
  });
  child.on("exit", (code, signal) => failAll(new Error(`pr-sync process exited (${signal ?? code})`)));
  child.on("error", failAll);

  const send = <T>(command: ChildCommand): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...command, id });
    });

  try {
    const started = await send<{ url: string; hasRepositorySync: boolean }>({ type: "start", ...options });
    return {
      pid: child.pid!,
      ...started,
      requestSync: (repositoryId, kind) => send<EnqueueResult>({ type: "sync", repositoryId, kind }),
      memory: () => send<MemoryFigures>({ type: "memory" }),
      catchUp: () => send({ type: "catchUp" }),
      stop: async () => {
        const figures = await send<MemoryFigures>({ type: "stop" });
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.disconnect();
        await exited;
        return figures;
      },
    };
  } catch (error) {
    child.kill();
    throw error;
  }
}
