import type { JobQueue } from "../../src/jobs/job-queue.js";

/** Polls `check` until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${options.what ?? "condition"}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ""}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Checks `holds` every 50 ms for `forMs` and fails the moment it stops holding: the bounded window in which
 * a test shows that nothing more happens (a second email, a second run) after what it waited for.
 */
export async function staysTrue(
  holds: () => boolean | Promise<boolean>,
  options: { forMs: number; what: string },
): Promise<void> {
  const end = Date.now() + options.forMs;
  while (Date.now() < end) {
    if (!(await holds())) throw new Error(`${options.what} stopped holding within ${options.forMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!(await holds())) throw new Error(`${options.what} stopped holding within ${options.forMs} ms`);
}

/** Waits until no completion-email job is queued or running: after that, no further email can be produced. */
export async function waitForEmailJobs(queue: JobQueue): Promise<void> {
  await waitFor(async () => (await queue.pending("email.completion", {})).length === 0, {
    what: "the email jobs to finish",
  });
}
