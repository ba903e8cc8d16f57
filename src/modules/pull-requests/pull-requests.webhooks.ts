import type { Probot } from "probot";
import type { Runtime } from "../../runtime.js";
import type { WebhookHandle } from "../../webhooks.js";
import { ingestPullRequest, ingestReview } from "./pull-requests.usecases.js";

/**
 * Starts finding the tracked, active repository an event is about, before the delivery is claimed; the answer
 * (undefined when pr-sync does not track it) is asked for after. Passed in by the wiring: repositories own that
 * answer and import this module for their syncs, never the other way.
 */
export type FindTrackedRepository = (repository: {
  id: number;
  full_name: string;
}) => () => Promise<{ id: number; fullName: string } | undefined>;

/** pull_request (every action) and pull_request_review keep pull requests and reviews current. */
export function registerPullRequestWebhooks(
  app: Probot,
  runtime: Runtime,
  handle: WebhookHandle,
  trackedRepository: FindTrackedRepository,
): void {
  app.on("pull_request", (context) => {
    const tracked = trackedRepository(context.payload.repository);
    return handle(context, async () => {
      const repository = await tracked();
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
    });
  });

  app.on("pull_request_review", (context) => {
    const tracked = trackedRepository(context.payload.repository);
    return handle(context, async () => {
      const repository = await tracked();
      if (!repository) return;
      await ingestReview({
        db: runtime.db,
        repositoryId: repository.id,
        pullRequest: context.payload.pull_request,
        review: context.payload.review,
      });
    });
  });
}
