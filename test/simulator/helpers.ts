import { createSign } from "node:crypto";
import type { GitHubSimulator } from "../../simulator/index.js";

/** An app JWT signed with the simulator's key; claims can be bent to test rejection. */
export function appJwt(sim: GitHubSimulator, claims: { iat?: number; exp?: number; iss?: unknown } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT" })).toString("base64url");
  const payload = Buffer.from(
    JSON.stringify({ iat: claims.iat ?? now - 30, exp: claims.exp ?? now + 540, iss: claims.iss ?? sim.appId }),
  ).toString("base64url");
  const signature = createSign("RSA-SHA256").update(`${header}.${payload}`).sign(sim.privateKey, "base64url");
  return `${header}.${payload}.${signature}`;
}

export async function installationToken(sim: GitHubSimulator, installationId: number): Promise<string> {
  const response = await fetch(`${sim.url}/api/v3/app/installations/${installationId}/access_tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${appJwt(sim)}`, accept: "application/vnd.github+json" },
  });
  if (response.status !== 201) throw new Error(`token request answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

export async function graphql(sim: GitHubSimulator, token: string, query: string, variables: object = {}) {
  const response = await fetch(`${sim.url}/api/graphql`, {
    method: "POST",
    headers: { authorization: `bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

export async function rest(sim: GitHubSimulator, token: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${sim.url}/api/v3${path}`, {
    headers: { authorization: `token ${token}`, ...headers },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}
