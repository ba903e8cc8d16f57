import type { Probot } from "probot";
import type { Runtime } from "../../runtime.js";
import type { WebhookHandle } from "../../webhooks.js";
import { getInstallation } from "../installations/installations.repository.js";
import { markMembersLeft, upsertMembers } from "./members.repository.js";

/** organization.member_added / member_removed are applied directly, without a full member sync. */
export function registerMemberWebhooks(app: Probot, runtime: Runtime, handle: WebhookHandle): void {
  app.on(["organization.member_added", "organization.member_removed"], (context) =>
    handle(context, async () => {
      const { payload } = context;
      const installationId = payload.installation?.id;
      if (!installationId || !(await getInstallation(runtime.db, installationId))) {
        runtime.log.debug({ installationId }, "organization event for an unknown installation ignored");
        return;
      }
      const membership = payload.membership;
      if (!membership?.user) return;
      if (payload.action === "member_added") {
        await upsertMembers(
          runtime.db,
          installationId,
          [
            {
              userId: membership.user.id,
              login: membership.user.login,
              name: membership.user.name ?? null,
              role: membership.role === "admin" ? "admin" : "member",
            },
          ],
          runtime.now(),
        );
      } else {
        await markMembersLeft(runtime.db, installationId, [membership.user.id], runtime.now());
      }
    }),
  );
}
