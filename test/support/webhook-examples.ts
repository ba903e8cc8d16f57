import { createRequire } from "node:module";

// The package's entry is a JSON file; require reads it without Jest's JSON-module deprecation.
const examples: unknown = createRequire(import.meta.url)("@octokit/webhooks-examples");

type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A deep copy of one of GitHub's published example payloads for `event` and `action`. */
export function example(event: string, action?: string, index = 0): Payload {
  const group = (examples as unknown as { name: string; examples: Payload[] }[]).find((e) => e.name === event);
  if (!group) throw new Error(`no webhook examples for ${event}`);
  const matching = action ? group.examples.filter((p) => p.action === action) : group.examples;
  const payload = matching[index];
  if (!payload) throw new Error(`no example ${index} for ${event}.${action}`);
  return structuredClone(payload);
}

/** The example installation.created payload, re-pointed at an organization with the given repositories. */
export function installationCreated(options: {
  installationId: number;
  org: string;
  accountType?: "Organization" | "User";
  repositories: { id: number; name: string }[];
}): Payload {
  const payload = example("installation", "created");
  payload.installation.id = options.installationId;
  payload.installation.account.login = options.org;
  payload.installation.account.type = options.accountType ?? "Organization";
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
  action?: string;
  installationId: number;
  repository: { id: number; fullName: string };
  pullRequest?: Payload;
}): Payload {
  const payload = example("pull_request", options.action ?? "opened");
  payload.installation = { id: options.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  payload.repository.id = options.repository.id;
  payload.repository.full_name = options.repository.fullName;
  payload.repository.name = options.repository.fullName.split("/")[1];
  Object.assign(payload.pull_request, options.pullRequest ?? {});
  return payload;
}
