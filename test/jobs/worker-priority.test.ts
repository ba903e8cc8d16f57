import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { projectRoot } from "../../src/paths.js";

interface After {
  niceness: number;
  /** The niceness of the process's session group ("nice N" of /proc/self/autogroup); null without autogroups. */
  sessionNiceness: number | null;
  logged: string[];
}

/** How the worker's session is made up; each is a new session (`setsid`), so no test touches Jest's own. */
type Session =
  /** The worker leads it, as a systemd service's main process does. */
  | "alone"
  /** A shell leads it and starts the worker, as `npm start` does under a service manager. */
  | "started by a wrapper"
  /** The shell also started another process that outlives the worker's start, as a web process beside it would. */
  | "shared with another process"
  /** A terminal's session (here `script`'s pseudo-terminal), as when someone runs the worker in a shell. */
  | "in a terminal";

/**
 * Runs lowerWorkerPriority in a process of its own (a Jest worker that lowered its own priority could not
 * raise it again), in a new session made up as asked and started nicer when asked, and answers the niceness
 * it ends with and what it logged.
 */
function niceAfter(niceness: number, options: { session?: Session; startedAt?: number } = {}): After {
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
  let node = [process.execPath, "--import", "tsx", "--input-type=module", "-e", script];
  if (options.startedAt) node = ["nice", "-n", String(options.startedAt), ...node];
  const quoted = node.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(" ");
  const session = options.session ?? "alone";
  const command = {
    alone: ["setsid", "--wait", ...node],
    "started by a wrapper": ["setsid", "--wait", "sh", "-c", quoted],
    "shared with another process": ["setsid", "--wait", "sh", "-c", `sleep 30 & ${quoted}; kill $!`],
    "in a terminal": ["script", "--quiet", "--return", "--command", quoted, "/dev/null"],
  }[session];
  const [file, ...args] = command;
  return JSON.parse(execFileSync(file!, args, { cwd: projectRoot, encoding: "utf8" }).trim()) as After;
}

const autogroups = existsSync("/proc/self/autogroup");
const LOWERED = "worker runs at a lower CPU priority than web processes";
const SESSION_LOWERED = "the worker's session runs at a lower CPU priority than other sessions";

describe("a worker's CPU priority", () => {
  it("is lowered to WORKER_NICENESS, so that web processes on the machine come first", () => {
    expect(niceAfter(10, { session: "shared with another process" })).toMatchObject({
      niceness: 10,
      logged: [LOWERED],
    });
  });

  it("is left as started when WORKER_NICENESS is 0 or the process was started nicer", () => {
    expect(niceAfter(0)).toMatchObject({ niceness: 0, logged: [] });
    expect(niceAfter(10, { startedAt: 15, session: "shared with another process" })).toMatchObject({
      niceness: 15,
      logged: [],
    });
  });

  // Where the kernel groups by session, a worker's niceness alone orders it only within its own session.
  it.each<Session>(["alone", "started by a wrapper"])(
    "lowers its session's group too when the session is its own (%s), as a service's is",
    (session) => {
      expect(niceAfter(10, { session })).toEqual(
        autogroups
          ? { niceness: 10, sessionNiceness: 10, logged: [LOWERED, SESSION_LOWERED] }
          : { niceness: 10, sessionNiceness: null, logged: [LOWERED] },
      );
    },
  );

  it.each<Session>(["shared with another process", "in a terminal"])(
    "leaves the group of a session that is not its own alone (%s): the rest of that session keeps its share",
    (session) => {
      expect(niceAfter(10, { session })).toEqual({
        niceness: 10,
        sessionNiceness: autogroups ? 0 : null,
        logged: [LOWERED],
      });
    },
  );
});
