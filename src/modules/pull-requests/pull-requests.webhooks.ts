import type { Probot } from "probot";
import type { Runtime } from "../../runtime.js";
import type { WebhookHandle } from "../../webhooks.js";
import { getRepository, updateRepository } from "../repositories/repositories.repository.js";
import { ingestPullRequest, ingestReview } from "./pull-requests.usecases.js";

/** The tracked, active repository an event is about, or undefined (logged at debug) when pr-sync does not track it. */
async function trackedRepository(runtime: Runtime, repository: { id: number; full_name: string }) {
  const row = await getRepository(runtime.db, repository.id);
  if (!row || !row.active) {
    runtime.log.debug({ repository: repository.full_name }, "event for an untracked repository ignored");
    return undefined;
  }
  // The event carries the current name, so a rename whose own event was lost still shows up.
  if (row.fullName !== repository.full_name) {
    await updateRepository(runtime.db, row.id, { fullName: repository.full_name });
  }
  return row;
}

/** pull_request (every action) and pull_request_review keep pull requests and reviews current. */
export function registerPullRequestWebhooks(app: Probot, runtime: Runtime, handle: WebhookHandle): void {
  app.on("pull_request", (context) =>
    handle(context, async () => {
      const repository = await trackedRepository(runtime, context.payload.repository);
      if (!repository) return;
      const result = await ingestPullRequest({
        db: runtime.db,
        repositoryId: repository.id,
        pullRequest: context.payload.pull_request,
      });
      if (!result.pullRequestWritten) {
        runtime.log.info(
          { repository: repository.fullName, number: context.payload.pull_request.number },
          "stored pull request is newer than this delivery; kept",
        );
      }
    }),
  );

  app.on("pull_request_review", (context) =>
    handle(context, async () => {
      const repository = await trackedRepository(runtime, context.payload.repository);
      if (!repository) return;
      await ingestReview({
        db: runtime.db,
        repositoryId: repository.id,
        pullRequest: context.payload.pull_request,
        review: context.payload.review,
      });
    }),
  );
}
