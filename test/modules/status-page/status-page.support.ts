import nock from "nock";
import { installations } from "../../../src/modules/installations/installations.table.js";
import { repositories } from "../../../src/modules/repositories/repositories.table.js";
import type { TestDatabase } from "../../support/database.js";

export const ADMIN_TOKEN = "operator-token-0123456789abcdef";
export const CLIENT_ID = "Iv1.statuspage";
export const CLIENT_SECRET = "client-secret-for-tests";
export const WEB = "https://github.test";
export const API = "https://github.test/api/v3";

export const statusEnv = {
  ADMIN_TOKEN,
  GITHUB_CLIENT_ID: CLIENT_ID,
  GITHUB_CLIENT_SECRET: CLIENT_SECRET,
  SESSION_SECRET: "a-session-secret-of-at-least-32-characters",
};

export async function insertInstallation(
  database: TestDatabase,
  id: number,
  account: string,
  extra: Partial<typeof installations.$inferInsert> = {},
) {
  await database.db
    .insert(installations)
    .values({ id, accountLogin: account, accountId: id * 10, accountType: "Organization", ...extra });
}

export async function insertRepository(
  database: TestDatabase,
  id: number,
  installationId: number,
  fullName: string,
  extra: Partial<typeof repositories.$inferInsert> = {},
) {
  await database.db.insert(repositories).values({ id, installationId, fullName, ...extra });
}

/** A cookie jar of one browser: keeps what the server sets and sends it back. */
export class Browser {
  cookies = new Map<string, string>();
  constructor(readonly url: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(path.startsWith("http") ? path : `${this.url}${path}`, {
      ...init,
      headers,
      redirect: "manual",
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async csrf(path: string): Promise<string> {
    const html = await (await this.fetch(path)).text();
    const match = html.match(/name="_csrf" value="([^"]+)"/);
    if (!match) throw new Error(`no CSRF token on ${path}`);
    return match[1]!;
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    return this.fetch(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  }

  async signInAsOperator(token = ADMIN_TOKEN): Promise<Response> {
    const csrf = await this.csrf("/status/sign-in");
    return this.post("/status/sign-in", { _csrf: csrf, token });
  }

  /** Goes through the GitHub sign-in with GitHub answering for `login` and `installationIds`. */
  async signInWithGitHub(login: string, installationIds: number[]): Promise<Response> {
    const start = await this.fetch("/status/auth/github");
    const authorize = new URL(start.headers.get("location")!);
    const state = authorize.searchParams.get("state")!;
    nock(WEB)
      .post(
        "/login/oauth/access_token",
        (body: { code?: string; client_secret?: string }) =>
          body.code === `code-${login}` && body.client_secret === CLIENT_SECRET,
      )
      .reply(200, { access_token: `ghu_${login}`, token_type: "bearer" });
    nock(API).get("/user").matchHeader("authorization", `Bearer ghu_${login}`).reply(200, { login, id: 1 });
    nock(API)
      .get("/user/installations")
      .query({ per_page: "100", page: "1" })
      .reply(200, { total_count: installationIds.length, installations: installationIds.map((id) => ({ id })) });
    return this.fetch(`/status/auth/github/callback?code=code-${login}&state=${encodeURIComponent(state)}`);
  }
}
