/**
 * The approach pr-sync is compared with: REST only. Backfill lists every pull request, then fetches each
 * one's reviews; catch-up asks Issues for what changed since, then each pull request and its reviews.
 */
export interface NaiveClient {
  baseUrl: string;
  token: string;
  concurrency: number;
}

export interface NaiveRun {
  requests: number;
  pullRequests: number;
  reviews: number;
  wallMs: number;
}

async function getPage(client: NaiveClient, path: string, counter: { requests: number }) {
  counter.requests += 1;
  const response = await fetch(path.startsWith("http") ? path : `${client.baseUrl}${path}`, {
    headers: { authorization: `token ${client.token}`, accept: "application/vnd.github+json" },
  });
  if (!response.ok) throw new Error(`naive client: ${path} answered ${response.status}`);
  const next = /<([^>]+)>; rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
  return { data: (await response.json()) as unknown, next };
}

async function getAll<T>(client: NaiveClient, path: string, counter: { requests: number }): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = path;
  while (next) {
    const page: { data: unknown; next?: string } = await getPage(client, next, counter);
    items.push(...(page.data as T[]));
    next = page.next;
  }
  return items;
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let index = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (index < items.length) await work(items[index++]!);
  });
  await Promise.all(workers);
}

export async function naiveBackfill(client: NaiveClient, repositories: string[], since: Date): Promise<NaiveRun> {
  const started = Date.now();
  const counter = { requests: 0, pullRequests: 0, reviews: 0 };
  for (const repository of repositories) {
    const pulls = await getAll<{ number: number; updated_at: string }>(
      client,
      `/repos/${repository}/pulls?state=all&per_page=100`,
      counter,
    );
    const inWindow = pulls.filter((p) => Date.parse(p.updated_at) >= since.getTime());
    counter.pullRequests += inWindow.length;
    await inParallel(inWindow, client.concurrency, async (pull) => {
      const reviews = await getAll(client, `/repos/${repository}/pulls/${pull.number}/reviews?per_page=100`, counter);
      counter.reviews += reviews.length;
    });
  }
  return { ...counter, wallMs: Date.now() - started };
}

export async function naiveCatchUp(client: NaiveClient, repositories: string[], since: Date): Promise<NaiveRun> {
  const started = Date.now();
  const counter = { requests: 0, pullRequests: 0, reviews: 0 };
  for (const repository of repositories) {
    const issues = await getAll<{ number: number; pull_request?: unknown }>(
      client,
      `/repos/${repository}/issues?state=all&per_page=100&since=${since.toISOString()}`,
      counter,
    );
    const pulls = issues.filter((i) => i.pull_request);
    counter.pullRequests += pulls.length;
    await inParallel(pulls, client.concurrency, async (pull) => {
      await getPage(client, `/repos/${repository}/pulls/${pull.number}`, counter);
      const reviews = await getAll(client, `/repos/${repository}/pulls/${pull.number}/reviews?per_page=100`, counter);
      counter.reviews += reviews.length;
    });
  }
  return { ...counter, wallMs: Date.now() - started };
}
