import type { Probot } from "probot";
import type { Runtime } from "../../runtime.js";
import type { WebhookHandle } from "../../webhooks.js";
import { repositoriesRemoved } from "./installation-repositories.usecases.js";
import { getRepository, updateRepository } from "./repositories.repository.js";

/** repository: renames and transfers keep the row (keyed by GitHub id); deletion retires it; archiving flags it. */
export function registerRepositoryWebhooks(app: Probot, runtime: Runtime, handle: WebhookHandle): void {
  app.on("repository", (context) =>
    handle(context, async () => {
      const { payload } = context;
      const repository = await getRepository(runtime.db, payload.repository.id);
      if (!repository) {
        runtime.log.debug(
          { repository: payload.repository.full_name },
          "repository event for an untracked repository ignored",
        );
        return;
      }
      switch (payload.action) {
        case "renamed":
        case "transferred":
        case "edited":
        case "privatized":
        case "publicized":
          await updateRepository(runtime.db, repository.id, {
            fullName: payload.repository.full_name,
            private: payload.repository.private,
            archived: payload.repository.archived,
          });
          return;
        case "archived":
        case "unarchived":
          await updateRepository(runtime.db, repository.id, { archived: payload.action === "archived" });
          return;
        case "deleted":
          await repositoriesRemoved(runtime, [repository.id]);
          return;
      }
    }),
  );
}
