import {
  findRepository,
  installationForAccount,
  nextId,
  type Dataset,
  type SimPullRequest,
  type SimRepository,
  type SimReview,
} from "./dataset.js";
import { encodeNodeId } from "./node-ids.js";
import type { Urls } from "./rest-shapes.js";
import { pullRequestPayload, pullRequestReviewPayload, signDelivery, type SignedDelivery } from "./webhooks.js";

export interface ActivityOptions {
  /** "owner/name" or a repository id. */
  repository: string | number;
  /** How many distinct pull requests change (some are new). */
  count: number;
  /** Share of changes that also submit a review (default 0.3). */
  reviewShare?: number;
  /** Share of changes that open a new pull request (default 0.2). */
  newShare?: number;
}

export interface ActivityChange {
  number: number;
  action: string;
  reviewId?: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function resolveRepository(data: Dataset, reference: string | number): SimRepository {
  const repository =
    typeof reference === "number"
      ? data.repositories.get(reference)
      : findRepository(data, reference.split("/")[0] ?? "", reference.split("/")[1] ?? "");
  if (!repository) throw new Error(`the simulator has no repository ${String(reference)}`);
  return repository;
}

/**
 * Changes `count` pull requests of a repository now, the way people do (push, edit, close, merge, open,
 * review), and returns the signed webhooks GitHub would send for them.
 */
export function applyActivity(
  data: Dataset,
  urls: Urls,
  webhookSecret: string,
  random: () => number,
  options: ActivityOptions,
  now = Date.now(),
): { changes: ActivityChange[]; deliveries: SignedDelivery[] } {
  const repository = resolveRepository(data, options.repository);
  const installation = installationForAccount(data, repository.ownerId);
  const changes: ActivityChange[] = [];
  const deliveries: SignedDelivery[] = [];
  const touched = new Set<number>();
  const at = iso(now);
  const pool = repository.pullRequests;
  const members = data.memberships.get(repository.ownerId) ?? [{ userId: repository.ownerId, role: "admin" as const }];
  const pickMember = () => members[Math.floor(random() * members.length)]!.userId;

  for (let i = 0; i < options.count; i += 1) {
    let pullRequest: SimPullRequest;
    let action: string;
    if (random() < (options.newShare ?? 0.2) || touched.size >= pool.length) {
      const id = nextId(data);
      const number = Math.max(0, ...pool.map((p) => p.number)) + 1;
      pullRequest = {
        id,
        nodeId: encodeNodeId("PullRequest", id),
        number,
        title: `Simulated change ${number}`,
        body: "",
        authorId: pickMember(),
        state: "open",
        draft: false,
        merged: false,
        createdAt: at,
        updatedAt: at,
        closedAt: null,
        mergedAt: null,
        additions: 1 + Math.floor(random() * 200),
        deletions: Math.floor(random() * 50),
        changedFiles: 1 + Math.floor(random() * 8),
        baseRef: "main",
        headRef: `topic/simulated-${number}`,
        headSha: id.toString(16).padStart(40, "0"),
        reviews: [],
      };
      pool.push(pullRequest);
      data.pullRequestIndex.set(id, { repository, pullRequest });
      action = "opened";
    } else {
      do pullRequest = pool[Math.floor(random() * pool.length)]!;
      while (touched.has(pullRequest.number));
      const roll = random();
      if (pullRequest.state === "closed") {
        if (pullRequest.merged) {
          pullRequest.title = `${pullRequest.title.replace(/ \(edited\)$/, "")} (edited)`.slice(0, 1_000);
          action = "edited";
        } else {
          Object.assign(pullRequest, { state: "open", closedAt: null });
          action = "reopened";
        }
      } else if (roll < 0.5) {
        pullRequest.additions += 1 + Math.floor(random() * 40);
        pullRequest.changedFiles += 1;
        action = "synchronize";
      } else if (roll < 0.7) {
        pullRequest.title = `${pullRequest.title.replace(/ \(edited\)$/, "")} (edited)`.slice(0, 1_000);
        action = "edited";
      } else {
        const merged = roll < 0.9;
        Object.assign(pullRequest, {
          state: "closed",
          draft: false,
          merged,
          closedAt: at,
          mergedAt: merged ? at : null,
        });
        action = "closed";
      }
      pullRequest.updatedAt = at;
    }
    touched.add(pullRequest.number);
    const change: ActivityChange = { number: pullRequest.number, action };
    if (installation)
      deliveries.push(
        signDelivery(
          webhookSecret,
          "pull_request",
          pullRequestPayload(urls, data, installation, repository, pullRequest, action),
        ),
      );
    if (random() < (options.reviewShare ?? 0.3)) {
      const review: SimReview = {
        id: nextId(data),
        nodeId: "",
        authorId: pickMember(),
        state: random() < 0.6 ? "APPROVED" : "COMMENTED",
        body: "",
        submittedAt: at,
      };
      review.nodeId = encodeNodeId("PullRequestReview", review.id);
      pullRequest.reviews.push(review);
      change.reviewId = review.id;
      if (installation)
        deliveries.push(
          signDelivery(
            webhookSecret,
            "pull_request_review",
            pullRequestReviewPayload(urls, data, installation, repository, pullRequest, review),
          ),
        );
    }
    changes.push(change);
  }
  return { changes, deliveries };
}
