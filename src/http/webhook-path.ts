/** Drops every trailing "/" of the whole request target, as @octokit/webhooks does before parsing it. */
function trimTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47) end -= 1;
  return end === 0 ? "/" : path.slice(0, end);
}

/**
 * Whether Probot's webhook middleware would take this request target as a delivery. It must match
 * @octokit/webhooks 14 exactly (trailing slashes trimmed from the raw target, then WHATWG URL parsing,
 * which resolves "." and ".." segments, "%2e", backslashes and absolute or "//host" forms): any
 * variant the guard missed would reach a middleware that buffers the whole body.
 */
export function isWebhookTarget(target: string | undefined, webhookPath: string): boolean {
  try {
    const pathname = new URL(trimTrailingSlashes(target ?? "/"), "http://localhost").pathname;
    return pathname === trimTrailingSlashes(webhookPath);
  } catch {
    // @octokit/webhooks answers an unparsable target with 422 without reading the body.
    return false;
  }
}
