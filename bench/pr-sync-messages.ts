import type { SyncKind } from "../src/modules/repositories/repositories.jobs.js";

/** What the bench asks the pr-sync process; each command carries an id its reply repeats. */
export type ChildCommand =
  | { type: "start"; env: Record<string, string>; databaseUrl: string }
  | { type: "sync"; repositoryId: number; kind: SyncKind }
  /** The daily catch-up of every installation, queued at once (no spread). */
  | { type: "catchUp" }
  | { type: "memory" }
  | { type: "stop" };

export type ChildReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** The pr-sync process's resident memory, in MB. */
export interface MemoryFigures {
  /** The kernel's high-water mark for the whole life of the process. */
  peakRssMb: number;
  rssMb: number;
  /** Right after pr-sync started (connected, migrated, listening), before any work. */
  rssAtStartMb: number;
}
