import type pg from "pg";

/** The advisory-lock class for per-installation sync slots (two-key locks do not collide with one-key ones). */
const SLOT_LOCK_CLASS = 7_243_100;

export interface SyncSlot {
  release: () => Promise<void>;
}

/**
 * Takes one of an installation's `slots` sync slots, across every pr-sync process, or returns null
 * when all are busy. A session advisory lock on a dedicated connection: a worker that dies loses its
 * connection and with it the slot.
 */
export async function acquireSyncSlot(pool: pg.Pool, installationId: number, slots: number): Promise<SyncSlot | null> {
  const client = await pool.connect();
  // A checked-out client has no pool listener: without one, a database restart while the slot is held
  // would be an unhandled 'error' event that ends the process. The slot is lost with the connection
  // anyway, and the sync's own queries fail and retry.
  const ignoreConnectionLoss = () => {};
  client.on("error", ignoreConnectionLoss);
  const done = (error?: Error) => {
    client.removeListener("error", ignoreConnectionLoss);
    client.release(error);
  };
  try {
    // Tries the slots in order and stops at the first one taken: one round trip, however many are busy.
    const { rows } = await client.query<{ slot: number }>(
      `SELECT slot FROM generate_series(0, $3::int - 1) AS slot
        WHERE pg_try_advisory_lock($1, hashtext($2 || ':' || slot)) LIMIT 1`,
      [SLOT_LOCK_CLASS, String(installationId), slots],
    );
    const slot = rows[0]?.slot;
    if (slot !== undefined) {
      return {
        release: async () => {
          try {
            await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [
              SLOT_LOCK_CLASS,
              `${installationId}:${slot}`,
            ]);
            done();
          } catch (error) {
            done(error as Error);
          }
        },
      };
    }
    done();
    return null;
  } catch (error) {
    done(error as Error);
    throw error;
  }
}
