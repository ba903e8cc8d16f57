import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { projectRoot } from "../../src/paths.js";

interface After {
  niceness: number;
  /** The niceness of the process's session group ("nice N" of /proc/self/autogroup); null without autogroups. */
  sessionNiceness: number | null;
  logged: string[];
}

/**
 * Runs lowerWorkerPriority in a process of its own (a Jest worker that lowered its own priority could not
 * raise it again), started nicer or in a session of its own when asked, and answers the niceness it ends with
 * and what it logged.
 */
function niceAfter(niceness: number, options: { startedAt?: number; ownSession?: boolean } = {}): After {
  const script = `
    import { existsSync, readFileSync } from "node:fs";
    import { getPriority } from "node:os";
    import pino from "pino";
    import { lowerWorkerPriority } from "./src/jobs/worker-priority.ts";
    const lines = [];
    const log = pino({ level: "info" }, { write: (line) => lines.push(JSON.parse(line).msg) });
    lowerWorkerPriority(${niceness}, log);
    const group = existsSync("/proc/self/autogroup") ? readFileSync("/proc/self/autogroup", "utf8") : null;
    const sessionNiceness = group === null ? null : Number(/nice (-?\\d+)/.exec(group)[1]);
    process.stdout.write(JSON.stringify({ niceness: getPriority(), sessionNiceness, logged: lines }));`;
  let command = [process.execPath, "--import", "tsx", "--input-type=module", "-e", script];
  if (options.startedAt) command = ["nice", "-n", String(options.startedAt), ...command];
  if (options.ownSession) command = ["setsid", "--wait", ...command];
  const [file, ...args] = command;
  return JSON.parse(execFileSync(file!, args, { cwd: projectRoot, encoding: "utf8" })) as After;
}

const autogroups = existsSync("/proc/self/autogroup");
/** The niceness of the group of the session Jest runs in, which a worker sharing it must leave as it is. */
const sharedGroupNiceness = autogroups
  ? Number(/nice (-?\d+)/.exec(readFileSync("/proc/self/autogroup", "utf8"))![1])
  : null;
const LOWERED = "worker runs at a lower CPU priority than web processes";
const SESSION_LOWERED = "the worker's session runs at a lower CPU priority than other sessions";

describe("a worker's CPU priority", () => {
  it("is lowered to WORKER_NICENESS, so that web processes on the machine come first", () => {
    expect(niceAfter(10)).toMatchObject({ niceness: 10, logged: [LOWERED] });
  });

  it("is left as started when WORKER_NICENESS is 0 or the process was started nicer", () => {
    expect(niceAfter(0)).toMatchObject({ niceness: 0, logged: [] });
    expect(niceAfter(10, { startedAt: 15 })).toMatchObject({ niceness: 15, logged: [] });
  });

  it("lowers its session's group too when the worker leads a session of its own, as a service does", () => {
    // Where the kernel groups by session, a worker's niceness alone orders it only against its own session.
    expect(niceAfter(10, { ownSession: true })).toEqual(
      autogroups
        ? { niceness: 10, sessionNiceness: 10, logged: [LOWERED, SESSION_LOWERED] }
        : { niceness: 10, sessionNiceness: null, logged: [LOWERED] },
    );
  });

  it("leaves the group of a session it shares alone: other processes of that session keep their share", () => {
    expect(niceAfter(10)).toEqual({ niceness: 10, sessionNiceness: sharedGroupNiceness, logged: [LOWERED] });
  });
});
