import { githubApiUrl, githubWebUrl, type Config } from "../../config.js";
import type { Probot } from "probot";
import type { InstallationAccess } from "../sessions/sessions.table.js";
import type { MembershipLookup } from "./status-page.access-refresh.js";
import { signInFailed } from "./status-page.errors.js";

type GitHubConfig = Pick<Config, "GHE_HOST" | "GHE_PROTOCOL" | "GITHUB_CLIENT_ID" | "GITHUB_CLIENT_SECRET">;

export interface GitHubUser {
  login: string;
  id: number;
  access: InstallationAccess[];
}

interface ListedInstallation {
  id: number;
  account?: { login?: string; id?: number; type?: string } | null;
}

/** Where the browser goes to authorize the GitHub App for the user, with the PKCE challenge (S256). */
export function authorizeUrl(config: GitHubConfig, redirectUri: string, state: string, challenge: string): string {
  const url = new URL(`${githubWebUrl(config)}/login/oauth/authorize`);
  url.searchParams.set("client_id", config.GITHUB_CLIENT_ID ?? "");
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", challenge);
  url.searchParams.set("code_challenge_method", "S256");
  return url.toString();
}

async function getJson(url: string, token: string, missing?: "null"): Promise<unknown> {
  const res = await fetch(url, {
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${token}`,
      "x-github-api-version": "2022-11-28",
      "user-agent": "pr-sync",
    },
  });
  if (missing && (res.status === 404 || res.status === 403)) return null;
  if (!res.ok) throw signInFailed(`GitHub answered ${res.status} to ${new URL(url).pathname}`);
  return res.json();
}

/** Pages through every installation of this app the user can access (at most 5,000). */
async function listInstallations(api: string, token: string): Promise<ListedInstallation[]> {
  const listed: ListedInstallation[] = [];
  for (let page = 1; page <= 50; page++) {
    const body = (await getJson(`${api}/user/installations?per_page=100&page=${page}`, token)) as {
      total_count?: number;
      installations?: ListedInstallation[];
    };
    const list = (body.installations ?? []).filter((i) => Number.isSafeInteger(i.id));
    listed.push(...list);
    if (list.length < 100 || listed.length >= (body.total_count ?? 0)) break;
  }
  return listed;
}

/**
 * The user's role on one installation: the account itself for a user installation; for an
 * organization, its owners are admins and its members members. Anyone else (an outside collaborator,
 * a pending invitation) gets nothing.
 */
async function roleOn(
  api: string,
  token: string,
  user: { id: number },
  installation: ListedInstallation,
): Promise<InstallationAccess | null> {
  const account = installation.account;
  if (!account?.login) return null;
  if (account.type !== "Organization")
    return account.id === user.id ? { installationId: installation.id, role: "admin" } : null;
  const membership = (await getJson(
    `${api}/user/memberships/orgs/${encodeURIComponent(account.login)}`,
    token,
    "null",
  )) as { state?: string; role?: string } | null;
  if (membership?.state !== "active") return null;
  return { installationId: installation.id, role: membership.role === "admin" ? "admin" : "member" };
}

/**
 * Exchanges the authorization code for a user token, reads who the user is and which installations
 * they can access, and drops the token: nothing of it outlives this call.
 */
export async function fetchGitHubUser(
  config: GitHubConfig,
  grantRequest: { code: string; redirectUri: string; codeVerifier: string },
): Promise<GitHubUser> {
  const exchange = await fetch(`${githubWebUrl(config)}/login/oauth/access_token`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json", "user-agent": "pr-sync" },
    body: JSON.stringify({
      client_id: config.GITHUB_CLIENT_ID,
      client_secret: config.GITHUB_CLIENT_SECRET,
      code: grantRequest.code,
      redirect_uri: grantRequest.redirectUri,
      code_verifier: grantRequest.codeVerifier,
    }),
  });
  const grant = (await exchange.json().catch(() => ({}))) as { access_token?: string; error?: string };
  if (!exchange.ok || !grant.access_token) {
    throw signInFailed(grant.error ? `GitHub refused the sign-in (${grant.error})` : "GitHub refused the sign-in");
  }
  const token = grant.access_token;
  const api = githubApiUrl(config);
  const user = (await getJson(`${api}/user`, token)) as { login?: string; id?: number };
  if (typeof user.login !== "string" || !Number.isSafeInteger(user.id))
    throw signInFailed("GitHub did not say who you are");
  const me = { login: user.login, id: user.id! };
  const access: InstallationAccess[] = [];
  for (const installation of await listInstallations(api, token)) {
    const role = await roleOn(api, token, me, installation);
    if (role) access.push(role);
  }
  return { ...me, access };
}

/** Reads a user's organization role with the installation's token (the app holds members:read). */
export function appMembershipLookup(probot: Probot): MembershipLookup {
  return async (installation, login) => {
    try {
      const octokit = await probot.auth(installation.id);
      const { data } = await octokit.request("GET /orgs/{org}/memberships/{username}", {
        org: installation.accountLogin,
        username: login,
      });
      if (data.state !== "active") return null;
      return data.role === "admin" ? "admin" : "member";
    } catch (error) {
      return (error as { status?: number }).status === 404 ? null : "unknown";
    }
  };
}
