import { githubApiUrl, githubWebUrl, type Config } from "../../config.js";
import { signInFailed } from "./status-page.errors.js";

type GitHubConfig = Pick<Config, "GHE_HOST" | "GHE_PROTOCOL" | "GITHUB_CLIENT_ID" | "GITHUB_CLIENT_SECRET">;

export interface GitHubUser {
  login: string;
  installationIds: number[];
}

/** Where the browser goes to authorize the GitHub App for the user. */
export function authorizeUrl(config: GitHubConfig, redirectUri: string, state: string): string {
  const url = new URL(`${githubWebUrl(config)}/login/oauth/authorize`);
  url.searchParams.set("client_id", config.GITHUB_CLIENT_ID ?? "");
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("state", state);
  return url.toString();
}

async function getJson(url: string, token: string): Promise<unknown> {
  const res = await fetch(url, {
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${token}`,
      "x-github-api-version": "2022-11-28",
      "user-agent": "pr-sync",
    },
  });
  if (!res.ok) throw signInFailed(`GitHub answered ${res.status} to ${new URL(url).pathname}`);
  return res.json();
}

/**
 * Exchanges the authorization code for a user token, reads who the user is and which installations
 * they can access, and drops the token: nothing of it outlives this call.
 */
export async function fetchGitHubUser(config: GitHubConfig, code: string, redirectUri: string): Promise<GitHubUser> {
  const exchange = await fetch(`${githubWebUrl(config)}/login/oauth/access_token`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json", "user-agent": "pr-sync" },
    body: JSON.stringify({
      client_id: config.GITHUB_CLIENT_ID,
      client_secret: config.GITHUB_CLIENT_SECRET,
      code,
      redirect_uri: redirectUri,
    }),
  });
  const grant = (await exchange.json().catch(() => ({}))) as { access_token?: string; error?: string };
  if (!exchange.ok || !grant.access_token) {
    throw signInFailed(grant.error ? `GitHub refused the sign-in (${grant.error})` : "GitHub refused the sign-in");
  }
  const token = grant.access_token;
  const api = githubApiUrl(config);
  const user = (await getJson(`${api}/user`, token)) as { login?: string };
  if (typeof user.login !== "string") throw signInFailed("GitHub did not say who you are");
  const installationIds: number[] = [];
  for (let page = 1; page <= 50; page++) {
    const body = (await getJson(`${api}/user/installations?per_page=100&page=${page}`, token)) as {
      total_count?: number;
      installations?: { id: number }[];
    };
    const list = body.installations ?? [];
    installationIds.push(...list.map((i) => i.id).filter((id) => Number.isSafeInteger(id)));
    if (list.length < 100 || installationIds.length >= (body.total_count ?? 0)) break;
  }
  return { login: user.login, installationIds };
}
