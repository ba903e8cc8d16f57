import { createRequire } from "node:module";
import type { EmitterWebhookEvent, EmitterWebhookEventName } from "@octokit/webhooks";

// The package's entry is a JSON file; require reads it without Jest's JSON-module deprecation.
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as {
  name: string;
  examples: { action?: string }[];
}[];

/** The payload type @octokit/webhooks (and so Probot's context) gives the event `name` ("pull_request.opened"). */
export type WebhookPayload<N extends EmitterWebhookEventName> = EmitterWebhookEvent<N>["payload"];

/** A deep copy of one of GitHub's published example payloads for `name` ("event" or "event.action"). */
export function example<N extends EmitterWebhookEventName>(name: N, index = 0): WebhookPayload<N> {
  const [event, action] = name.split(".");
  const group = examples.find((e) => e.name === event);
  if (!group) throw new Error(`no webhook examples for ${event}`);
  const matching = action ? group.examples.filter((p) => p.action === action) : group.examples;
  const payload = matching[index];
  if (!payload) throw new Error(`no example ${index} for ${name}`);
  return structuredClone(payload) as WebhookPayload<N>;
}

/** The example installation.created payload, re-pointed at an organization with the given repositories. */
export function installationCreated(options: {
  installationId: number;
  org: string;
  accountType?: "Organization" | "User";
  repositories: { id: number; name: string }[];
}): WebhookPayload<"installation.created"> {
  const payload = example("installation.created");
  payload.installation.id = options.installationId;
  Object.assign(payload.installation.account ?? {}, {
    login: options.org,
    type: options.accountType ?? "Organization",
  });
  payload.installation.permissions = { metadata: "read", pull_requests: "read", members: "read" };
  payload.repositories = options.repositories.map((r) => ({
    id: r.id,
    node_id: `R_${r.id}`,
    name: r.name,
    full_name: `${options.org}/${r.name}`,
    private: true,
  }));
  return payload;
}

/** The example pull_request payload for `action`, on the given repository and installation. */
export function pullRequestEvent(options: {
  action?: "opened" | "closed" | "reopened" | "edited";
  installationId: number;
  repository: { id: number; fullName: string };
  /** Fields to overwrite, as GitHub could send them (or, for bad-input tests, as it should not). */
  pullRequest?: Record<string, unknown>;
}): WebhookPayload<"pull_request.opened"> {
  const payload = example(`pull_request.${options.action ?? "opened"}`) as WebhookPayload<"pull_request.opened">;
  payload.installation = { id: options.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  payload.repository.id = options.repository.id;
  payload.repository.full_name = options.repository.fullName;
  payload.repository.name = options.repository.fullName.split("/")[1]!;
  Object.assign(payload.pull_request, options.pullRequest ?? {});
  return payload;
}
