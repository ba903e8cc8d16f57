import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { projectRoot } from "../src/paths.js";
import { testPrivateKey } from "./support/app.js";
import { freePort } from "./support/ports.js";

/** Runs `src/main.ts` as `npm start` would (through tsx), with only the given environment. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(projectRoot, "src/main.ts")], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", LOG_LEVEL: "silent", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("pr-sync's exit on a start-up failure it can explain", () => {
  it("refuses an APP_ID without WEBHOOK_SECRET, naming the variable, with exit code 1 and no stack trace", async () => {
    const { code, stderr } = await runMain({
      APP_ID: "12345",
      PRIVATE_KEY: testPrivateKey(),
      DATABASE_URL: `postgres://nobody@127.0.0.1:${await freePort()}/none`,
      PORT: "0",
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      "pr-sync cannot start. APP_ID is set but WEBHOOK_SECRET is not. pr-sync checks every webhook's signature with that secret and will not run without it.",
    );
    expect(stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it("stops with one paragraph when the embedded PostgreSQL's port is taken", async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", () => resolve()));
    try {
      const { code, stderr } = await runMain({ EMBEDDED_POSTGRES_PORT: String(port), PORT: "0" });
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        `pr-sync cannot start. Port ${port}, where the embedded PostgreSQL listens, is already taken by another program (often another pr-sync, or a PostgreSQL of your own). Stop that program, set EMBEDDED_POSTGRES_PORT to a free port, or set DATABASE_URL to a PostgreSQL of your own.`,
      );
    } finally {
      holder.close();
    }
  }, 60_000);
});
