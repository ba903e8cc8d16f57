import type { Probot } from "probot";
import type { TrackedRepository } from "./installations.models.js";
import {
  installationCreated,
  installationDeleted,
  installationPermissionsAccepted,
  installationSuspended,
  installationUnsuspended,
  repositoriesAdded,
  repositoriesRemoved,
  type LifecycleDeps,
} from "./installations.usecases.js";
import type { WebhookHandle } from "../../webhooks.js";

interface PayloadRepository {
  id: number;
  full_name: string;
  private: boolean;
}

const tracked = (list: PayloadRepository[] | undefined): TrackedRepository[] =>
  (list ?? []).map((r) => ({ id: r.id, fullName: r.full_name, private: r.private }));

/** installation and installation_repositories: the lifecycle of what pr-sync tracks. */
export function registerInstallationWebhooks(app: Probot, deps: LifecycleDeps, handle: WebhookHandle): void {
  app.on("installation", (context) =>
    handle(context, async () => {
      const { payload } = context;
      const installationId = payload.installation.id;
      switch (payload.action) {
        case "created": {
          const account = payload.installation.account as { login?: string; slug?: string; id: number; type?: string };
          await installationCreated(
            deps,
            {
              id: installationId,
              accountLogin: account.login ?? account.slug ?? String(account.id),
              accountId: account.id,
              accountType: account.type === "User" ? "User" : "Organization",
              repositorySelection: payload.installation.repository_selection,
              permissions: payload.installation.permissions,
            },
            tracked(payload.repositories),
            Boolean(payload.installation.suspended_at),
          );
          return;
        }
        case "deleted":
          return installationDeleted(deps, installationId);
        case "suspend":
          return installationSuspended(deps, installationId);
        case "unsuspend":
          return installationUnsuspended(deps, installationId);
        case "new_permissions_accepted":
          return installationPermissionsAccepted(deps, installationId, payload.installation.permissions);
      }
    }),
  );

  app.on("installation_repositories", (context) =>
    handle(context, async () => {
      const { payload } = context;
      if (payload.action === "added") {
        await repositoriesAdded(
          deps,
          payload.installation.id,
          tracked(payload.repositories_added),
          payload.repository_selection,
        );
      } else if (payload.action === "removed") {
        await repositoriesRemoved(
          deps,
          payload.repositories_removed.map((r) => r.id),
        );
      }
    }),
  );
}
