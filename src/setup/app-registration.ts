/** The app GitHub created from the manifest: the conversion's answer, trimmed to what pr-sync keeps. */
export interface RegisteredApp {
  id: number;
  slug: string;
  name: string;
  htmlUrl: string;
  pem: string;
  webhookSecret: string;
  clientId: string;
  clientSecret: string;
}

interface Conversion {
  id: number;
  slug: string;
  name: string;
  html_url: string;
  pem: string;
  webhook_secret: string;
  client_id: string;
  client_secret: string;
}

/** A registration GitHub refused, with its words; codes are single-use and expire after an hour. */
export class RegistrationError extends Error {
  readonly code = "REGISTRATION_FAILED";
}

/** Exchanges the code GitHub sent back for the new app's credentials (POST /app-manifests/{code}/conversions, no auth). */
export async function convertManifestCode(options: { apiUrl: string; code: string }): Promise<RegisteredApp> {
  const url = `${options.apiUrl}/app-manifests/${encodeURIComponent(options.code)}/conversions`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { accept: "application/vnd.github+json", "user-agent": "pr-sync" },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new RegistrationError(`GitHub could not be reached at ${options.apiUrl}`, { cause: error });
  }
  const body = (await response.json().catch(() => ({}))) as Partial<Conversion> & { message?: string };
  if (!response.ok || !body.id || !body.pem || !body.webhook_secret)
    throw new RegistrationError(`GitHub answered ${response.status}: ${body.message ?? "no app in the answer"}`);
  return {
    id: body.id,
    slug: body.slug ?? "",
    name: body.name ?? body.slug ?? "",
    htmlUrl: body.html_url ?? "",
    pem: body.pem,
    webhookSecret: body.webhook_secret,
    clientId: body.client_id ?? "",
    clientSecret: body.client_secret ?? "",
  };
}

/** The lines setup writes into `.env`: the same keys Probot's setup writes, plus the address the app was registered with. */
export function registrationEnv(app: RegisteredApp, extra: Record<string, string | undefined>): Record<string, string> {
  const values: Record<string, string | undefined> = {
    APP_ID: String(app.id),
    PRIVATE_KEY: app.pem,
    WEBHOOK_SECRET: app.webhookSecret,
    GITHUB_CLIENT_ID: app.clientId,
    GITHUB_CLIENT_SECRET: app.clientSecret,
    ...extra,
  };
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => Boolean(e[1])));
}

/** Where an account installs the app: `<GitHub host>/apps/<slug>/installations/new`. */
export function installUrl(githubWebUrl: string, slug: string): string {
  return `${githubWebUrl}/apps/${slug}/installations/new`;
}
