import { canReadMembers } from "./access.js";
import type { Principal } from "./auth.js";
import { findAccountByLogin, type Dataset, type SimAccount } from "./dataset.js";
import { restUser, type Urls } from "./rest-shapes.js";
import { DOCS } from "./state.js";

interface Answer {
  status: number;
  body: unknown;
}

const notFound = (): Answer => ({ status: 404, body: { message: "Not Found", documentation_url: DOCS } });

/** `organization-simple` in GitHub's OpenAPI description. */
function restOrganization(urls: Urls, org: SimAccount) {
  const url = `${urls.api}/orgs/${encodeURIComponent(org.login)}`;
  return {
    login: org.login,
    id: org.id,
    node_id: org.nodeId,
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: `${urls.web}/avatars/u/${org.id}?v=4`,
    description: null,
  };
}

/** `org-membership`: the user's role in the organization (GitHub's roles are admin and member). */
function membership(urls: Urls, data: Dataset, org: SimAccount, userId: number): Answer {
  const found = (data.memberships.get(org.id) ?? []).find((m) => m.userId === userId);
  const user = data.accounts.get(userId);
  if (!found || !user) return notFound();
  const orgUrl = `${urls.api}/orgs/${encodeURIComponent(org.login)}`;
  return {
    status: 200,
    body: {
      url: `${orgUrl}/memberships/${encodeURIComponent(user.login)}`,
      state: "active",
      role: found.role,
      organization_url: orgUrl,
      organization: restOrganization(urls, org),
      user: restUser(urls, user),
    },
  };
}

/** GET /user/memberships/orgs/{org}: a user token asks about itself; 404 when it is not a member. */
export function ownMembership(urls: Urls, data: Dataset, principal: Principal, orgLogin: string): Answer {
  if (principal.kind !== "user") return notFound();
  const org = findAccountByLogin(data, orgLogin);
  if (!org || org.type !== "Organization") return notFound();
  return membership(urls, data, org, principal.userId);
}

/** GET /orgs/{org}/memberships/{username}: needs members:read on that organization; 404 for a non-member. */
export function userMembership(
  urls: Urls,
  data: Dataset,
  principal: Principal,
  orgLogin: string,
  username: string,
): Answer {
  const org = findAccountByLogin(data, orgLogin);
  if (!org || org.type !== "Organization" || !canReadMembers(data, principal, org.id)) return notFound();
  const user = findAccountByLogin(data, username);
  return user ? membership(urls, data, org, user.id) : notFound();
}
