const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escape(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#1f2328}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px;word-break:break-all}.note{background:#fff8c5;padding:.75rem 1rem;border-radius:6px}
button,.button{display:inline-block;background:#1f883d;color:#fff;border:0;border-radius:6px;padding:.6rem 1.2rem;font-size:1rem;text-decoration:none;cursor:pointer}</style>
</head><body><main>${body}</main></body></html>`;
}

/** The first page: what registering does, then one button that posts the manifest to GitHub. */
export function setupPage(view: {
  githubWeb: string;
  createAppUrl: string;
  manifest: string;
  hookUrl: string;
  notes: string[];
}) {
  const notes = view.notes.map((n) => `<p class="note">${escape(n)}</p>`).join("");
  return page(
    "Set up pr-sync",
    `<h1>Set up pr-sync</h1>
<p>pr-sync needs a GitHub App of its own on <a href="${escape(view.githubWeb)}">${escape(view.githubWeb)}</a>. Register one: GitHub shows the app it is about to create (change its name there if GitHub says it is taken), you confirm, and GitHub sends you back here. pr-sync saves the app's credentials in <code>.env</code> and starts at once.</p>
<p>The app only reads: metadata, pull requests and organization members. GitHub will send its webhooks to <code>${escape(view.hookUrl)}</code>.</p>
${notes}
<form action="${escape(view.createAppUrl)}" method="post"><input type="hidden" name="manifest" value="${escape(view.manifest)}"><button type="submit">Register GitHub App</button></form>`,
  );
}

/** After registration: pr-sync already runs as the new app; the next step is installing it. */
export function registeredPage(view: { name: string; installUrl: string; statusUrl: string; envFile: string }) {
  return page(
    "pr-sync is registered",
    `<h1>pr-sync is registered and running</h1>
<p>GitHub created the app <strong>${escape(view.name)}</strong>. Its credentials are saved in <code>${escape(view.envFile)}</code> (readable by you only; keep it, <code>npm start</code> reads it), and pr-sync now runs as that app: nothing to restart.</p>
<ol><li>Install the app on your organization and pick its repositories: <a class="button" href="${escape(view.installUrl)}">Install ${escape(view.name)}</a></li>
<li>GitHub then brings you to the <a href="${escape(view.statusUrl)}">status page</a>, where each repository's first sync shows live.</li>
<li>Sign in there with GitHub; you see the installations you administer.</li></ol>`,
  );
}

/** A registration GitHub refused, or one pr-sync could not finish. */
export function registrationFailedPage(view: { reason: string; setupUrl: string }) {
  return page(
    "pr-sync setup failed",
    `<h1>The GitHub App could not be set up</h1><p>${escape(view.reason)}</p>
<p>Registration codes work once and for an hour. <a href="${escape(view.setupUrl)}">Start again</a>; an app GitHub created without pr-sync saving it can be deleted in its settings.</p>`,
  );
}
