import { randomInt } from "node:crypto";
import { hostname } from "node:os";
import type pg from "pg";
import type { Logger } from "pino";

/**
 * The advisory-lock class under which each job-running process holds its worker lock (two-key locks never
 * collide with one-key ones, and sync slots use another class).
 */
export const WORKER_LOCK_CLASS = 7_243_200;

/** Every worker id starts with this, then the lock key: `pr-sync-worker:<key>:<host>:<pid>`. */
export const WORKER_ID_PREFIX = "pr-sync-worker";

export interface WorkerRegistration {
  /** The name Agenda writes into `last_modified_by` of every job this process locks. */
  id: string;
  key: number;
  /** Drops the lock: other processes may then release this worker's jobs. */
  stop: () => Promise<void>;
}

/**
 * Registers this process as a worker: a session advisory lock on a connection of its own. PostgreSQL drops
 * the lock the moment the process dies (its connection closes), which is how the others tell a dead worker
 * from a busy one. After a database restart the lock is taken again on a new connection.
 */
export async function registerWorker(options: {
  pool: pg.Pool;
  log: Logger;
  reconnectMs?: number;
}): Promise<WorkerRegistration> {
  const { pool, log } = options;
  const client = await pool.connect();
  const key = await takeUnusedWorkerKey(client);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // The connection holding the lock, or undefined while it is being taken again.
  let held: pg.PoolClient | undefined = client;
  const retry = () => {
    if (!stopped) timer ??= setTimeout(() => void relock(), options.reconnectMs ?? 1_000);
  };

  const relock = async () => {
    timer = undefined;
    let fresh: pg.PoolClient | undefined;
    try {
      fresh = await pool.connect();
      const { rows } = await fresh.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS locked", [
        WORKER_LOCK_CLASS,
        key,
      ]);
      if (stopped) {
        fresh.release(true);
        return;
      }
      fresh.on("error", onLost);
      held = fresh;
      if (rows[0]?.locked) log.info({ workerKey: key }, "worker lock taken again after losing the database");
      else log.error({ workerKey: key }, "another process holds this worker's lock; its jobs may be released");
    } catch (error) {
      fresh?.release(error as Error);
      retry();
    }
  };
  function onLost(error: Error) {
    const lost = held;
    held = undefined;
    lost?.removeListener("error", onLost);
    lost?.release(error);
    if (!stopped) log.warn({ err: error, workerKey: key }, "worker lock lost with its connection; taking it again");
    retry();
  }
  client.on("error", onLost);

  return {
    id: `${WORKER_ID_PREFIX}:${key}:${hostname()}:${process.pid}`,
    key,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      const last = held;
      held = undefined;
      if (!last) return;
      last.removeListener("error", onLost);
      await unlockAndRelease(last, key);
    },
  };
}

/** Takes the advisory lock of a random worker key no live process holds, on the given connection. */
async function takeUnusedWorkerKey(client: pg.PoolClient): Promise<number> {
  for (let tries = 0; tries <= 10; tries++) {
    const candidate = randomInt(1, 2 ** 31 - 1);
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS locked", [
      WORKER_LOCK_CLASS,
      candidate,
    ]);
    if (rows[0]?.locked) return candidate;
  }
  throw new Error("pr-sync: could not take a worker lock");
}

async function unlockAndRelease(client: pg.PoolClient, key: number): Promise<void> {
  try {
    await client.query("SELECT pg_advisory_unlock($1, $2)", [WORKER_LOCK_CLASS, key]);
    client.release();
  } catch (error) {
    client.release(error as Error);
  }
}
