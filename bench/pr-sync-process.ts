/**
 * pr-sync alone in a process of its own, so the bench measures its memory without the simulator's
 * generated data or the load generator. The bench forks this file and drives it over IPC (see
 * pr-sync-handle.ts): `start`, then `sync` and `memory` as often as it likes, then `stop`.
 */
import { loadConfig } from "../src/config.js";
import { jobDefinitions } from "../src/jobs/job-list.js";
import { createLogger } from "../src/logger.js";
import { catchUpEverything } from "../src/modules/repositories/catch-up.usecases.js";
import { requestRepositorySync } from "../src/modules/repositories/sync-requests.usecases.js";
import { startPrSync, type PrSync } from "../src/start.js";
import type { ChildCommand, ChildReply, MemoryFigures } from "./pr-sync-messages.js";

let app: PrSync | undefined;
let rssAtStartMb = 0;

const mb = (bytes: number) => Math.round(bytes / 1_048_576);

function memory(): MemoryFigures {
  // ru_maxrss: the kernel's high-water mark of this process's resident set, in kilobytes on Linux.
  return {
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    rssMb: mb(process.memoryUsage().rss),
    rssAtStartMb,
  };
}

async function handle(command: ChildCommand): Promise<unknown> {
  switch (command.type) {
    case "start": {
      const config = loadConfig(command.env);
      // Errors only, on stderr: a failure behind a 500 or a failed job shows next to the bench's progress.
      app = await startPrSync({
        config,
        env: command.env,
        databaseUrl: command.databaseUrl,
        log: createLogger({ level: "error", destination: process.stderr }),
        // The bench installs the app by webhook and measures that; other simulated installations stay out.
        discoverInstallations: false,
      });
      rssAtStartMb = mb(process.memoryUsage().rss);
      const hasRepositorySync =
        app.runtime !== undefined &&
        jobDefinitions(app.runtime).some((definition) => definition.name === "repository.sync");
      return { url: app.url, hasRepositorySync };
    }
    case "sync": {
      if (!app?.runtime) throw new Error("pr-sync is not running");
      return requestRepositorySync({
        db: app.runtime.db,
        queue: app.runtime.queue,
        repositoryId: command.repositoryId,
        kind: command.kind,
      });
    }
    case "catchUp": {
      if (!app?.runtime) throw new Error("pr-sync is not running");
      return catchUpEverything({ db: app.runtime.db, queue: app.runtime.queue });
    }
    case "memory":
      return memory();
    case "stop": {
      await app?.stop({ drainTimeoutMs: 5_000 });
      app = undefined;
      return memory();
    }
  }
}

process.on("message", (message) => {
  const command = message as ChildCommand & { id: number };
  handle(command).then(
    (result) => process.send!({ id: command.id, ok: true, result } satisfies ChildReply),
    (error: unknown) =>
      process.send!({
        id: command.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies ChildReply),
  );
});
// Parent gone (the bench crashed or was interrupted): nothing left to report to.
process.on("disconnect", () => {
  void (app?.stop({ drainTimeoutMs: 1_000 }) ?? Promise.resolve()).finally(() => process.exit(0));
});
