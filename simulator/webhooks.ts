import { createHmac, randomUUID } from "node:crypto";
import {
  installationRepositories,
  ownerOf,
  type Dataset,
  type SimInstallation,
  type SimPullRequest,
  type SimRepository,
  type SimReview,
} from "./dataset.js";
import {
  accountById,
  restInstallation,
  restPullRequest,
  restRepository,
  restReview,
  restUser,
  type Urls,
} from "./rest-shapes.js";

export interface SignedDelivery {
  event: string;
  delivery: string;
  body: string;
  headers: Record<string, string>;
}

/** A delivery as GitHub sends it: the raw JSON body and its HMAC-SHA256 signature. */
export function signDelivery(secret: string, event: string, payload: unknown, delivery = randomUUID()): SignedDelivery {
  const body = JSON.stringify(payload);
  return {
    event,
    delivery,
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/simulator",
      "x-github-event": event,
      "x-github-delivery": delivery,
      "x-github-hook-installation-target-type": "integration",
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
  };
}

export interface DeliveryResult {
  event: string;
  action: string;
  delivery: string;
  status: number;
}

/** POSTs a signed delivery; a refused connection counts as status 0, as GitHub records a failed delivery. */
export async function postDelivery(url: string, signed: SignedDelivery): Promise<number> {
  try {
    const response = await fetch(url, { method: "POST", headers: signed.headers, body: signed.body });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

function installationReference(installation: SimInstallation) {
  return {
    id: installation.id,
    node_id: Buffer.from(`04:Integration Installation${installation.id}`).toString("base64"),
  };
}

export function pullRequestPayload(
  urls: Urls,
  data: Dataset,
  installation: SimInstallation,
  repository: SimRepository,
  pullRequest: SimPullRequest,
  action: string,
) {
  const sender = accountById(data, pullRequest.authorId);
  return {
    action,
    number: pullRequest.number,
    pull_request: restPullRequest(urls, data, repository, pullRequest),
    repository: restRepository(urls, data, repository),
    organization: organizationOf(urls, data, repository),
    installation: installationReference(installation),
    sender: restUser(urls, sender),
  };
}

export function pullRequestReviewPayload(
  urls: Urls,
  data: Dataset,
  installation: SimInstallation,
  repository: SimRepository,
  pullRequest: SimPullRequest,
  review: SimReview,
) {
  const simple = restPullRequest(urls, data, repository, pullRequest);
  return {
    action: "submitted",
    review: restReview(urls, data, repository, pullRequest, review),
    pull_request: simple,
    repository: restRepository(urls, data, repository),
    organization: organizationOf(urls, data, repository),
    installation: installationReference(installation),
    sender: restUser(urls, accountById(data, review.authorId)),
  };
}

function organizationOf(urls: Urls, data: Dataset, repository: SimRepository) {
  const owner = ownerOf(data, repository);
  if (owner.type !== "Organization") return undefined;
  return {
    login: owner.login,
    id: owner.id,
    node_id: owner.nodeId,
    url: `${urls.api}/orgs/${owner.login}`,
    description: null,
  };
}

const repositoryReference = (data: Dataset, repository: SimRepository) => ({
  id: repository.id,
  node_id: repository.nodeId,
  name: repository.name,
  full_name: `${ownerOf(data, repository).login}/${repository.name}`,
  private: repository.private,
});

/** `installation` events: created (with its repositories), deleted, suspend, unsuspend. */
export function installationPayload(
  urls: Urls,
  data: Dataset,
  installation: SimInstallation,
  action: "created" | "deleted" | "suspend" | "unsuspend",
  app: { id: number; slug: string },
) {
  const account = data.accounts.get(installation.accountId);
  return {
    action,
    installation: restInstallation(urls, data, installation, app.id, app.slug),
    repositories: installationRepositories(data, installation).map((r) => repositoryReference(data, r)),
    requester: null,
    sender: restUser(
      urls,
      account?.type === "Organization" ? data.accounts.get(firstAdmin(data, account.id)) : account,
    ),
  };
}

export function installationRepositoriesPayload(
  urls: Urls,
  data: Dataset,
  installation: SimInstallation,
  added: SimRepository[],
  removed: SimRepository[],
  app: { id: number; slug: string },
) {
  return {
    action: added.length > 0 ? "added" : "removed",
    installation: restInstallation(urls, data, installation, app.id, app.slug),
    repository_selection: installation.repositorySelection,
    repositories_added: added.map((r) => repositoryReference(data, r)),
    repositories_removed: removed.map((r) => repositoryReference(data, r)),
    requester: null,
    sender: restUser(urls, data.accounts.get(firstAdmin(data, installation.accountId))),
  };
}

function firstAdmin(data: Dataset, accountId: number): number {
  return data.memberships.get(accountId)?.find((m) => m.role === "admin")?.userId ?? accountId;
}
