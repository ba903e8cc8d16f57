import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../src/db/embedded-postgres.js";
import { findPostgresBinaries } from "../../src/db/postgres-binaries.js";
import { StartupError } from "../../src/startup-error.js";
import { freePort } from "../support/ports.js";

const asRoot = process.getuid?.() === 0 ? it : it.skip;

/** A folder only root may enter, as a root user's home is. */
function closedFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "pr-sync-closed-"));
  expect(statSync(folder).mode & 0o777).toBe(0o700);
  return folder;
}

/** A folder every user may enter, as a clone under /srv or /opt is. */
function openFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(folder, 0o755);
  return folder;
}

async function startupError(work: Promise<unknown>): Promise<StartupError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StartupError);
  return error as StartupError;
}

describe("the embedded PostgreSQL", () => {
  const cleanup: string[] = [];
  afterAll(() => {
    for (const path of cleanup) rmSync(path, { recursive: true, force: true });
  });

  asRoot(
    "runs from binaries and data inside a folder the postgres user cannot enter, in the same outside folder every start",
    async () => {
      const folder = closedFolder();
      cleanup.push(folder);
      const installed = await findPostgresBinaries();
      const nativeDir = join(folder, "node_modules", "native");
      cpSync(installed.nativeDir, nativeDir, { recursive: true, verbatimSymlinks: true });
      const dataDir = join(folder, "clone", "data", "postgres");
      const port = await freePort();
      const first = await startEmbeddedPostgres({ dataDir, port, binaries: { nativeDir, major: installed.major } });
      cleanup.push(dirname(first.dataDir));
      expect(first.dataDir).toMatch(/^\/var\/lib\/pr-sync\/clone-[0-9a-f]{10}\/postgres$/);
      const client = new pg.Client({ connectionString: first.url });
      await client.connect();
      await client.query("create table kept (id int)");
      await client.end();
      await first.stop();

      const second = await startEmbeddedPostgres({ dataDir, port, binaries: { nativeDir, major: installed.major } });
      try {
        expect(second.dataDir).toBe(first.dataDir);
        const again = new pg.Client({ connectionString: second.url });
        await again.connect();
        expect((await again.query("select count(*)::int as n from kept")).rows).toEqual([{ n: 0 }]);
        await again.end();
        expect(readFileSync(join(dirname(second.dataDir), "SOURCE"), "utf8")).toContain(dataDir);
      } finally {
        await second.stop();
      }
    },
    120_000,
  );

  asRoot("explains a database it cannot open because the postgres user cannot enter the folders above it", async () => {
    const folder = closedFolder();
    cleanup.push(folder);
    const dataDir = join(folder, "data", "postgres");
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, "PG_VERSION"), "17\n");
    const error = await startupError(startEmbeddedPostgres({ dataDir, port: await freePort() }));
    expect(error.message).toBe(
      `The database in ${dataDir} cannot be opened: pr-sync runs as root, so PostgreSQL runs as the user postgres, and that user cannot enter the folders above it (one of them is closed to other users, e.g. a home folder of mode 0700). Move the pr-sync folder somewhere other users may enter, allow them in (\`chmod o+x\` on each folder above it), set DATA_DIR to a folder outside, or set DATABASE_URL to a PostgreSQL of your own.`,
    );
  });

  it("explains a port another program holds", async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", () => resolve()));
    const dataDir = join(openFolder("pr-sync-port-"), "postgres");
    cleanup.push(dirname(dataDir));
    try {
      const error = await startupError(startEmbeddedPostgres({ dataDir, port }));
      expect(error.message).toBe(
        `Port ${port}, where the embedded PostgreSQL listens, is already taken by another program (often another pr-sync, or a PostgreSQL of your own). Stop that program, set EMBEDDED_POSTGRES_PORT to a free port, or set DATABASE_URL to a PostgreSQL of your own.`,
      );
    } finally {
      holder.close();
    }
  });

  it("explains a data folder of another PostgreSQL major version and leaves it untouched", async () => {
    const dataDir = join(openFolder("pr-sync-version-"), "postgres");
    cleanup.push(dirname(dataDir));
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, "PG_VERSION"), "16\n");
    const { major } = await findPostgresBinaries();
    const error = await startupError(startEmbeddedPostgres({ dataDir, port: await freePort() }));
    expect(error.message).toContain(
      `The data folder ${dataDir} was created by PostgreSQL 16, and the embedded PostgreSQL is version ${major}; PostgreSQL cannot open a data folder of another major version.`,
    );
    expect(error.message).toContain("move that folder away");
    expect(readFileSync(join(dataDir, "PG_VERSION"), "utf8")).toBe("16\n");
  });

  it("explains a full disk", async () => {
    const mount = mkdtempSync(join(tmpdir(), "pr-sync-full-"));
    cleanup.push(mount);
    // A 4 MB tmpfs holds the folder but not a new cluster; only root may mount one.
    if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", mount]).status !== 0) {
      console.warn("disk-full test skipped: cannot mount a tmpfs here");
      return;
    }
    try {
      const dataDir = join(mount, "data", "postgres");
      const error = await startupError(startEmbeddedPostgres({ dataDir, port: await freePort() }));
      expect(error.message).toBe(
        `The embedded PostgreSQL cannot write to ${dataDir}: the disk is full. Free some space on that disk, point DATA_DIR at a folder on a disk with room (its database needs about 100 MB to start), or set DATABASE_URL to a PostgreSQL of your own.`,
      );
    } finally {
      execFileSync("umount", [mount]);
    }
  }, 60_000);
});
