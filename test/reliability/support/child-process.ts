import { spawn, type ChildProcess } from "node:child_process";

export interface ChildApp {
  url: string;
  process: ChildProcess;
  /** Every JSON log line the process wrote so far. */
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Runs test/reliability/support/child-app.ts with `env` and waits until it listens. */
export async function startChildApp(env: Record<string, string>, start: object): Promise<ChildApp> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/reliability/support/child-app.ts"], {
    env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: "", PR_SYNC_TEST_START: JSON.stringify(start), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = "";
    child.stdout.on("data", (chunk) => {
      buffer += String(chunk);
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const part of parts) {
        if (!part.trim()) continue;
        const line = JSON.parse(part) as Record<string, unknown>;
        if (typeof line.ready === "string") resolve(line.ready);
        else lines.push(line);
      }
    });
    void exited.then((code) => reject(new Error(`pr-sync exited with ${code} before listening: ${stderr}`)));
  });
  return { url, process: child, lines, exited };
}
