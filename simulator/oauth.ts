import { createHash, randomBytes } from "node:crypto";
import { newToken } from "./auth.js";
import type { SimulatorState } from "./state.js";

export interface OAuthAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const CODE_TTL_MS = 10 * 60_000;
const REFRESH_TTL_SECONDS = 15_897_600;
const ERROR_URI =
  "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors";

function html(status: number, text: string): OAuthAnswer {
  return {
    status,
    body: `<!doctype html><title>GitHub</title><p>${text}</p>`,
    headers: { "content-type": "text/html" },
  };
}

/** GET /login/oauth/authorize: the user is taken to have approved; back to redirect_uri with a one-time code. */
export function authorize(state: SimulatorState, url: URL, now: number): OAuthAnswer {
  const clientId = url.searchParams.get("client_id");
  if (clientId !== state.clientId) return html(404, "Not Found: unknown client_id");
  // A registered app accepts only its callback URLs; without redirect_uri, GitHub uses the first of them.
  const redirectUri = url.searchParams.get("redirect_uri") ?? state.callbackUrls[0];
  if (!redirectUri) return html(400, "The redirect_uri is missing.");
  if (state.callbackUrls.length > 0 && !state.callbackUrls.includes(redirectUri))
    return html(400, "The redirect_uri is not associated with this application.");
  const challenge = url.searchParams.get("code_challenge");
  const method = url.searchParams.get("code_challenge_method") ?? "plain";
  if (challenge !== null && method !== "S256") return html(400, "Only the S256 code_challenge_method is supported.");
  const code = randomBytes(10).toString("hex");
  state.oauthCodes.set(code, {
    userId: state.oauthUserId,
    expiresAt: now + CODE_TTL_MS,
    ...(challenge !== null ? { codeChallenge: challenge } : {}),
  });
  const target = new URL(redirectUri);
  target.searchParams.set("code", code);
  const oauthState = url.searchParams.get("state");
  if (oauthState !== null) target.searchParams.set("state", oauthState);
  return { status: 302, body: "", headers: { location: target.toString() } };
}

/** PKCE (RFC 7636, S256): a code issued for a challenge needs the verifier whose SHA-256 it is. */
function verifierMatches(challenge: string | undefined, verifier: string | undefined): boolean {
  if (challenge === undefined) return true;
  if (!verifier) return false;
  return createHash("sha256").update(verifier).digest("base64url") === challenge;
}

function readParameters(url: URL, body: string, contentType: string): Record<string, string> {
  const parameters: Record<string, string> = Object.fromEntries(url.searchParams);
  if (!body) return parameters;
  if (contentType.includes("application/json")) {
    try {
      for (const [key, value] of Object.entries(JSON.parse(body) as Record<string, unknown>))
        parameters[key] = String(value);
    } catch {
      return parameters;
    }
    return parameters;
  }
  return { ...parameters, ...Object.fromEntries(new URLSearchParams(body)) };
}

/** POST /login/oauth/access_token: exchanges a code (or a refresh token) for a user token, as GitHub Apps do. */
export function exchangeCode(
  state: SimulatorState,
  url: URL,
  body: string,
  headers: { accept?: string; contentType?: string },
  now: number,
): OAuthAnswer {
  const parameters = readParameters(url, body, headers.contentType ?? "");
  const respond = (payload: Record<string, string | number>): OAuthAnswer =>
    headers.accept?.includes("application/json")
      ? { status: 200, body: JSON.stringify(payload), headers: { "content-type": "application/json; charset=utf-8" } }
      : {
          status: 200,
          body: new URLSearchParams(Object.entries(payload).map(([k, v]) => [k, String(v)])).toString(),
          headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
        };
  const error = (code: string, description: string, anchor: string) =>
    respond({ error: code, error_description: description, error_uri: `${ERROR_URI}#${anchor}` });

  if (parameters.client_id !== state.clientId || parameters.client_secret !== state.clientSecret)
    return error(
      "incorrect_client_credentials",
      "The client_id and/or client_secret passed are incorrect.",
      "incorrect-client-credentials",
    );
  let userId: number;
  if (parameters.grant_type === "refresh_token") {
    const owner = state.refreshTokens.get(parameters.refresh_token ?? "");
    if (owner === undefined)
      return error("bad_refresh_token", "The refresh token passed is incorrect or expired.", "bad-refresh-token");
    state.refreshTokens.delete(parameters.refresh_token!);
    userId = owner;
  } else {
    const grant = state.oauthCodes.get(parameters.code ?? "");
    state.oauthCodes.delete(parameters.code ?? "");
    if (!grant || grant.expiresAt <= now || !verifierMatches(grant.codeChallenge, parameters.code_verifier))
      return error("bad_verification_code", "The code passed is incorrect or expired.", "bad-verification-code");
    userId = grant.userId;
  }
  const accessToken = newToken("ghu");
  const refreshToken = newToken("ghr");
  state.tokens.set(accessToken, { kind: "user", ownerId: userId, expiresAt: now + state.userTokenTtlMs });
  state.refreshTokens.set(refreshToken, userId);
  return respond({
    access_token: accessToken,
    expires_in: Math.floor(state.userTokenTtlMs / 1000),
    refresh_token: refreshToken,
    refresh_token_expires_in: REFRESH_TTL_SECONDS,
    token_type: "bearer",
    scope: "",
  });
}
