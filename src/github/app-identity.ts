import type { Probot } from "probot";

/** The app's slug as GitHub knows it (GET /app with the app's JWT); undefined when GitHub does not answer in time. */
export async function lookUpAppSlug(probot: Probot, timeoutMs = 10_000): Promise<string | undefined> {
  const octokit = await probot.auth();
  const answer = octokit
    .request("GET /app", { request: { signal: AbortSignal.timeout(timeoutMs) } })
    .then((response) => (response.data as { slug?: string } | null)?.slug)
    .catch(() => undefined);
  return answer;
}
