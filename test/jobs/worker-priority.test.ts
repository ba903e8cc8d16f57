import { execFileSync } from "node:child_process";
import { projectRoot } from "../../src/paths.js";

/**
 * Runs lowerWorkerPriority in a process of its own (a Jest worker that lowered its own priority could not
 * raise it again) and answers the niceness it ends with and what it logged.
 */
function niceAfter(niceness: number, startedAt = 0): { niceness: number; logged: string[] } {
  const script = `
    import { getPriority } from "node:os";
    import pino from "pino";
    import { lowerWorkerPriority } from "./src/jobs/worker-priority.ts";
    const lines = [];
    const log = pino({ level: "info" }, { write: (line) => lines.push(JSON.parse(line).msg) });
    lowerWorkerPriority(${niceness}, log);
    process.stdout.write(JSON.stringify({ niceness: getPriority(), logged: lines }));`;
  const node = [process.execPath, "--import", "tsx", "--input-type=module", "-e", script];
  const [command, ...args] = startedAt === 0 ? node : ["nice", "-n", String(startedAt), ...node];
  return JSON.parse(execFileSync(command!, args, { cwd: projectRoot, encoding: "utf8" })) as {
    niceness: number;
    logged: string[];
  };
}

describe("a worker's CPU priority", () => {
  it("is lowered to WORKER_NICENESS, so that web processes on the machine come first", () => {
    expect(niceAfter(10)).toEqual({
      niceness: 10,
      logged: ["worker runs at a lower CPU priority than web processes"],
    });
  });

  it("is left as started when WORKER_NICENESS is 0 or the process was started nicer", () => {
    expect(niceAfter(0)).toEqual({ niceness: 0, logged: [] });
    expect(niceAfter(10, 15)).toEqual({ niceness: 15, logged: [] });
  });
});
