import Handlebars from "handlebars";

export interface CompletionRepository {
  fullName: string;
  /** "error" when the first sync stopped with an error; anything else finished. */
  status: string;
  lastError: string | null;
  pullRequests: number;
  reviews: number;
  slowestMerge: { number: number; title: string; url: string; cycleHours: number } | null;
}

export interface CompletionEmailInput {
  accountLogin: string;
  windowDays: number;
  statusUrl: string;
  repositories: CompletionRepository[];
  headline: {
    opened: number;
    merged: number;
    closedUnmerged: number;
    reviews: number;
    medianCycleHours: number | null;
    medianFirstReviewHours: number | null;
  };
}

export interface CompletionTemplates {
  html: string;
  text: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const count = (n: number) => n.toLocaleString("en-US");
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** A duration in hours as people say it: "45 minutes", "5.5 hours", "2.3 days"; "—" when there is none. */
export function formatHours(hours: number | null): string {
  if (hours === null) return "—";
  if (hours < 1) return plural(Math.round(hours * 60), "minute", "minutes");
  if (hours < 48) return Number(hours.toFixed(1)) === 1 ? "1 hour" : `${Number(hours.toFixed(1))} hours`;
  return `${Number((hours / 24).toFixed(1))} days`;
}

/**
 * Text from GitHub (titles, names) made safe for the plain-text part: no tags, no angle brackets,
 * no line breaks that could fake lines of the message.
 */
export function plainText(value: string): string {
  return value
    .replace(/<\/?[a-z][^<>]*>/gi, "")
    .replace(/[<>]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

function deepPlain<T>(value: T): T {
  if (typeof value === "string") return plainText(value) as T;
  if (Array.isArray(value)) return value.map(deepPlain) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepPlain(v)])) as T;
  return value;
}

function viewModel(input: CompletionEmailInput) {
  const total = input.repositories.reduce((sum, r) => sum + r.pullRequests, 0);
  const failed = input.repositories.filter((r) => r.status === "error").length;
  return {
    accountLogin: input.accountLogin,
    windowDays: input.windowDays,
    statusUrl: input.statusUrl,
    // The insights page sits under the installation's status page.
    insightsUrl: `${input.statusUrl.replace(/\/$/, "")}/insights`,
    totalPullRequests: plural(total, "pull request", "pull requests"),
    repositoryCount: plural(input.repositories.length, "repository", "repositories"),
    failedCount: failed > 0 ? plural(failed, "repository", "repositories") : null,
    repositories: input.repositories.map((r) => ({
      fullName: r.fullName,
      failed: r.status === "error",
      error: r.lastError ?? "The sync stopped with an error; the status page has details.",
      pullRequests: plural(r.pullRequests, "pull request", "pull requests"),
      reviews: plural(r.reviews, "review", "reviews"),
      slowestMerge: r.slowestMerge && {
        number: r.slowestMerge.number,
        title: r.slowestMerge.title,
        // Only web links become links; anything else from the API is shown as text.
        url: /^https?:\/\//i.test(r.slowestMerge.url) ? r.slowestMerge.url : null,
        took: formatHours(r.slowestMerge.cycleHours),
      },
    })),
    headline: {
      opened: count(input.headline.opened),
      merged: count(input.headline.merged),
      closedUnmerged: count(input.headline.closedUnmerged),
      reviews: plural(input.headline.reviews, "review", "reviews"),
      medianCycle: formatHours(input.headline.medianCycleHours),
      medianFirstReview: formatHours(input.headline.medianFirstReviewHours),
    },
  };
}

/** Renders the completion email's subject, HTML part and plain-text part. Pure: same input, same output. */
export function renderCompletionEmail(input: CompletionEmailInput, templates: CompletionTemplates): RenderedEmail {
  const model = viewModel(input);
  const handlebars = Handlebars.create();
  const html = handlebars.compile(templates.html, { strict: true })(model);
  // The text part is not HTML: nothing is entity-escaped, and every string was made plain instead.
  const text = handlebars.compile(templates.text, { strict: true, noEscape: true })(deepPlain(model));
  const subject = plainText(
    `pr-sync: ${input.accountLogin} is ready — ${model.totalPullRequests} from the last ${input.windowDays} days`,
  );
  return { subject, html, text };
}
