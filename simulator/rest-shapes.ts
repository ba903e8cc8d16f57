import {
  fullName,
  GHOST,
  ownerOf,
  type Dataset,
  type SimAccount,
  type SimInstallation,
  type SimPullRequest,
  type SimRepository,
  type SimReview,
} from "./dataset.js";

/** Where the simulator answers: the REST base (…/api/v3) and the web root. */
export interface Urls {
  api: string;
  web: string;
}

/** `simple-user` in GitHub's OpenAPI description; bots carry the `[bot]` suffix and type Bot. */
export function restUser(urls: Urls, account: SimAccount | undefined | null) {
  const user = account ?? GHOST;
  const login = user.type === "Bot" ? `${user.login}[bot]` : user.login;
  const url = `${urls.api}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id: user.id,
    node_id: user.nodeId,
    avatar_url: `${urls.web}/avatars/u/${user.id}?v=4`,
    gravatar_id: "",
    url,
    html_url: user.type === "Bot" ? `${urls.web}/apps/${user.login}` : `${urls.web}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: user.type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function accountById(data: Dataset, id: number | null): SimAccount | undefined {
  return id === null ? undefined : data.accounts.get(id);
}

export function restRepository(urls: Urls, data: Dataset, repository: SimRepository) {
  const name = fullName(data, repository);
  const url = `${urls.api}/repos/${name}`;
  return {
    id: repository.id,
    node_id: repository.nodeId,
    name: repository.name,
    full_name: name,
    private: repository.private,
    owner: restUser(urls, ownerOf(data, repository)),
    html_url: `${urls.web}/${name}`,
    description: null,
    fork: false,
    url,
    pulls_url: `${url}/pulls{/number}`,
    issues_url: `${url}/issues{/number}`,
    created_at: repository.createdAt,
    updated_at: repository.createdAt,
    pushed_at: repository.createdAt,
    default_branch: "main",
    visibility: repository.private ? "private" : "public",
    archived: false,
    disabled: false,
  };
}

function branch(urls: Urls, data: Dataset, repository: SimRepository, ref: string, sha: string) {
  const owner = ownerOf(data, repository);
  return {
    label: `${owner.login}:${ref}`,
    ref,
    sha,
    user: restUser(urls, owner),
    repo: restRepository(urls, data, repository),
  };
}

/** `pull-request-simple`: what GET /pulls lists (no merged, additions, deletions, changed_files). */
export function restPullRequestSimple(urls: Urls, data: Dataset, repository: SimRepository, pr: SimPullRequest) {
  const name = fullName(data, repository);
  const url = `${urls.api}/repos/${name}/pulls/${pr.number}`;
  const htmlUrl = `${urls.web}/${name}/pull/${pr.number}`;
  const issueUrl = `${urls.api}/repos/${name}/issues/${pr.number}`;
  return {
    url,
    id: pr.id,
    node_id: pr.nodeId,
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${urls.api}/repos/${name}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: `${urls.api}/repos/${name}/statuses/${pr.headSha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: restUser(urls, accountById(data, pr.authorId)),
    body: pr.body || null,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.merged ? pr.headSha : null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branch(urls, data, repository, pr.headRef, pr.headSha),
    base: branch(urls, data, repository, pr.baseRef, "0".repeat(40)),
    _links: {
      self: { href: url },
      html: { href: htmlUrl },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${urls.api}/repos/${name}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${urls.api}/repos/${name}/statuses/${pr.headSha}` },
    },
    author_association: pr.authorId === null ? "NONE" : "MEMBER",
    auto_merge: null,
    draft: pr.draft,
  };
}

/** `pull-request`: GET /pulls/{number}, with the counts the list leaves out. */
export function restPullRequest(urls: Urls, data: Dataset, repository: SimRepository, pr: SimPullRequest) {
  return {
    ...restPullRequestSimple(urls, data, repository, pr),
    merged: pr.merged,
    mergeable: pr.state === "open" ? true : null,
    rebaseable: pr.state === "open" ? true : null,
    mergeable_state: pr.state === "open" ? "clean" : "unknown",
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: pr.additions,
    deletions: pr.deletions,
    changed_files: pr.changedFiles,
  };
}

export function restReview(
  urls: Urls,
  data: Dataset,
  repository: SimRepository,
  pr: SimPullRequest,
  review: SimReview,
) {
  const name = fullName(data, repository);
  const htmlUrl = `${urls.web}/${name}/pull/${pr.number}#pullrequestreview-${review.id}`;
  return {
    id: review.id,
    node_id: review.nodeId,
    user: restUser(urls, accountById(data, review.authorId)),
    body: review.body,
    state: review.state,
    html_url: htmlUrl,
    pull_request_url: `${urls.api}/repos/${name}/pulls/${pr.number}`,
    _links: { html: { href: htmlUrl }, pull_request: { href: `${urls.api}/repos/${name}/pulls/${pr.number}` } },
    submitted_at: review.submittedAt,
    commit_id: pr.headSha,
    author_association: review.authorId === null ? "NONE" : "MEMBER",
  };
}

/** `issue` for a pull request, as GET /issues lists it: the `pull_request` key marks it. */
export function restIssue(urls: Urls, data: Dataset, repository: SimRepository, pr: SimPullRequest) {
  const name = fullName(data, repository);
  const url = `${urls.api}/repos/${name}/issues/${pr.number}`;
  const htmlUrl = `${urls.web}/${name}/pull/${pr.number}`;
  return {
    id: pr.id + 1_000_000_000,
    node_id: pr.nodeId,
    url,
    repository_url: `${urls.api}/repos/${name}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: htmlUrl,
    number: pr.number,
    state: pr.state,
    state_reason: pr.state === "closed" ? "completed" : null,
    title: pr.title,
    body: pr.body || null,
    user: restUser(urls, accountById(data, pr.authorId)),
    labels: [],
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: 0,
    pull_request: {
      url: `${urls.api}/repos/${name}/pulls/${pr.number}`,
      html_url: htmlUrl,
      diff_url: `${htmlUrl}.diff`,
      patch_url: `${htmlUrl}.patch`,
      merged_at: pr.mergedAt,
    },
    closed_at: pr.closedAt,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    draft: pr.draft,
    author_association: pr.authorId === null ? "NONE" : "MEMBER",
  };
}

export const INSTALLATION_PERMISSIONS = { metadata: "read", pull_requests: "read", members: "read" };
export const INSTALLATION_EVENTS = ["pull_request", "pull_request_review", "member", "organization"];

export function restInstallation(
  urls: Urls,
  data: Dataset,
  installation: SimInstallation,
  appId: number,
  slug: string,
) {
  const account = data.accounts.get(installation.accountId);
  return {
    id: installation.id,
    client_id: undefined,
    account: restUser(urls, account),
    repository_selection: installation.repositorySelection,
    access_tokens_url: `${urls.api}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url:
      account?.type === "Organization"
        ? `${urls.web}/organizations/${account.login}/settings/installations/${installation.id}`
        : `${urls.web}/settings/installations/${installation.id}`,
    app_id: appId,
    app_slug: slug,
    target_id: installation.accountId,
    target_type: account?.type ?? "User",
    permissions: INSTALLATION_PERMISSIONS,
    events: INSTALLATION_EVENTS,
    created_at: installation.createdAt,
    updated_at: installation.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: installation.suspended ? restUser(urls, account) : null,
    suspended_at: installation.suspended ? installation.createdAt : null,
  };
}
