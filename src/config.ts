import { cronExpression, emailList, oneOf, optionalUrl, text, wholeNumber, type Setting } from "./config-parsers.js";

const setting = <T, D extends string | undefined>(s: Setting<T> & { default: D }) => s;

/** Every variable pr-sync reads, with its documentation. The README table is checked against this list. */
export const settings = {
  DATABASE_URL: setting({
    doc: "PostgreSQL connection string. Unset: an embedded PostgreSQL is started with its data in DATA_DIR/postgres (as root in a folder other users cannot enter: /var/lib/pr-sync/<folder>-<hash>/postgres).",
    default: undefined,
    expected: "a postgres:// or postgresql:// URL",
    parse: optionalUrl(["postgres", "postgresql"]),
    secret: true,
  }),
  EMBEDDED_POSTGRES_PORT: setting({
    doc: "Port of the embedded PostgreSQL (only when DATABASE_URL is unset).",
    default: "54329",
    expected: "a whole number from 1024 to 65535",
    parse: wholeNumber(1024, 65535),
  }),
  DATA_DIR: setting({
    doc: "Folder for local data: the embedded database and the email outbox.",
    default: "./data",
    expected: "a folder path",
    parse: text,
  }),
  PR_SYNC_ROLE: setting({
    doc: "What this process does: all (webhooks, pages and jobs), web (webhooks and pages; only queues jobs) or worker (runs jobs; serves /health only).",
    default: "all",
    expected: "one of all, web, worker",
    parse: oneOf(["all", "web", "worker"] as const),
  }),
  WORKER_NICENESS: setting({
    doc: "CPU niceness a worker process (PR_SYNC_ROLE=worker) gives itself, so that on a machine it shares with web processes webhooks and pages come before syncs; 0 leaves it as started.",
    default: "10",
    expected: "a whole number from 0 to 19",
    parse: wholeNumber(0, 19),
  }),
  PORT: setting({
    doc: "HTTP port for webhooks, the status page and /health.",
    default: "3000",
    expected: "a whole number from 0 to 65535",
    parse: wholeNumber(0, 65535),
  }),
  HOST: setting({
    doc: "Address the HTTP server binds to.",
    default: "0.0.0.0",
    expected: "a host name or IP address",
    parse: text,
  }),
  PUBLIC_URL: setting({
    doc: "The address people and GitHub use to reach pr-sync: webhooks, the sign-in callback, links in emails. Setup saves the address your browser used when it is unset; otherwise http://localhost:PORT.",
    default: undefined,
    expected: "an http:// or https:// URL",
    parse: optionalUrl(["http", "https"]),
  }),
  TRUST_PROXY: setting({
    doc: "How many reverse proxies stand in front of pr-sync. Rate limits key on the address that many entries from the right of X-Forwarded-For; 0 uses the connecting address and ignores the header.",
    default: "0",
    expected: "a whole number from 0 to 10",
    parse: wholeNumber(0, 10),
  }),
  BACKFILL_DAYS: setting({
    doc: "How many days of pull requests the first sync of a repository fetches.",
    default: "30",
    expected: "a whole number from 1 to 365",
    parse: wholeNumber(1, 365),
  }),
  RATE_LIMIT_FLOOR: setting({
    doc: "When an installation has fewer API requests or points left than this, sync jobs pause until the reset.",
    default: "100",
    expected: "a whole number from 0 to 5000",
    parse: wholeNumber(0, 5000),
  }),
  SYNC_CRON: setting({
    doc: "When the daily catch-up begins, as a cron expression in UTC; installations then start spread over CATCH_UP_SPREAD_MINUTES.",
    default: "0 4 * * *",
    expected: 'a cron expression of 5 or 6 fields, e.g. "0 4 * * *"',
    parse: cronExpression,
  }),
  CATCH_UP_SPREAD_MINUTES: setting({
    doc: "Window over which the catch-up's installations start, each at the same offset every day (0: all at once).",
    default: "60",
    expected: "a whole number from 0 to 1380",
    parse: wholeNumber(0, 1380),
  }),
  SYNC_OVERLAP_MINUTES: setting({
    doc: "How far before the last successful sync a catch-up starts, to cover clock skew.",
    default: "10",
    expected: "a whole number from 0 to 1440",
    parse: wholeNumber(0, 1440),
  }),
  GLOBAL_SYNC_CONCURRENCY: setting({
    doc: "How many repository syncs run at once in one pr-sync process.",
    default: "5",
    expected: "a whole number from 1 to 100",
    parse: wholeNumber(1, 100),
  }),
  INSTALLATION_SYNC_CONCURRENCY: setting({
    doc: "How many repositories of one installation sync at once (they share its API budget), across all processes.",
    default: "2",
    expected: "a whole number from 1 to 20",
    parse: wholeNumber(1, 20),
  }),
  JOB_ATTEMPTS: setting({
    doc: "How many times a job that failed on a transient error is tried before its status turns to error.",
    default: "5",
    expected: "a whole number from 1 to 20",
    parse: wholeNumber(1, 20),
  }),
  RETENTION_DAYS: setting({
    doc: "How long data of an uninstalled installation is kept before it is purged.",
    default: "30",
    expected: "a whole number from 0 to 3650",
    parse: wholeNumber(0, 3650),
  }),
  SMTP_URL: setting({
    doc: "Where email is sent, e.g. smtps://user:pass@smtp.example.com:465. Unset: each email is written as an .eml file under DATA_DIR/outbox.",
    default: undefined,
    expected: "an smtp:// or smtps:// URL",
    parse: optionalUrl(["smtp", "smtps"]),
    secret: true,
  }),
  MAIL_FROM: setting({
    doc: "The From address of pr-sync's emails.",
    default: "pr-sync <pr-sync@localhost>",
    expected: "an email address, optionally with a name",
    parse: text,
  }),
  NOTIFY_EMAILS: setting({
    doc: "Addresses that receive every completion email, comma separated, in addition to each installation's own list.",
    default: "",
    expected: "a comma-separated list of email addresses",
    parse: emailList,
  }),
  ADMIN_TOKEN: setting({
    doc: "Operator token: on the sign-in form or as a Bearer token for the JSON API it sees every installation. Unset: no operator access.",
    default: undefined,
    expected: "a string of at least 16 characters",
    parse: (raw: string) => (raw.length >= 16 ? raw : undefined),
    secret: true,
  }),
  SESSION_SECRET: setting({
    doc: "Signs the status page's session cookies. Unset: a random secret per process start (sessions end on restart).",
    default: undefined,
    expected: "a string of at least 32 characters",
    parse: (raw: string) => (raw.length >= 32 ? raw : undefined),
    secret: true,
  }),
  APP_ID: setting({
    doc: "The GitHub App's id. Unset (with PRIVATE_KEY): the setup page registers a new app. Set: WEBHOOK_SECRET is required.",
    default: undefined,
    expected: "a whole number",
    parse: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  }),
  PRIVATE_KEY: setting({
    doc: "The GitHub App's private key (PEM). Or use PRIVATE_KEY_PATH.",
    default: undefined,
    expected: "a PEM private key",
    parse: (raw: string) => (raw.includes("PRIVATE KEY") ? raw : undefined),
    secret: true,
  }),
  PRIVATE_KEY_PATH: setting({
    doc: "Path of a file holding the GitHub App's private key.",
    default: undefined,
    expected: "a file path",
    parse: text,
  }),
  WEBHOOK_SECRET: setting({
    doc: "The secret GitHub signs webhook deliveries with.",
    default: undefined,
    expected: "a string",
    parse: text,
    secret: true,
  }),
  GITHUB_CLIENT_ID: setting({
    doc: "The GitHub App's client id, for signing in to the status page.",
    default: undefined,
    expected: "a string",
    parse: text,
  }),
  GITHUB_CLIENT_SECRET: setting({
    doc: "The GitHub App's client secret, for signing in to the status page.",
    default: undefined,
    expected: "a string",
    parse: text,
    secret: true,
  }),
  GHE_HOST: setting({
    doc: "Host of a GitHub Enterprise Server (or of the local simulator), e.g. github.example.com. Unset: github.com.",
    default: undefined,
    expected: "a host name, optionally with :port",
    parse: (raw: string) => (/^[\w.-]+(:\d+)?$/.test(raw) ? raw : undefined),
  }),
  GHE_PROTOCOL: setting({
    doc: "Protocol of GHE_HOST.",
    default: "https",
    expected: "http or https",
    parse: oneOf(["http", "https"] as const),
  }),
  LOG_LEVEL: setting({
    doc: "Log verbosity.",
    default: "info",
    expected: "one of trace, debug, info, warn, error, fatal, silent",
    parse: oneOf(["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const),
  }),
  WEBHOOK_PROXY_URL: setting({
    doc: "A smee.io channel that forwards GitHub's webhooks to this machine. Setup creates one when PUBLIC_URL is unset and smee.io answers.",
    default: undefined,
    expected: "an http:// or https:// URL",
    parse: optionalUrl(["http", "https"]),
  }),
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof settings;
export type SettingName = keyof Settings;
type Parsed<K extends SettingName> = Settings[K] extends Setting<infer T> ? T : never;
type ParsedWithDefault<K extends SettingName> = Settings[K]["default"] extends string
  ? Parsed<K>
  : Parsed<K> | undefined;

export type Config = { [K in SettingName]: ParsedWithDefault<K> };

/** A setting that did not parse; the message names the variable and what it expects. */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

/** Reads and validates every setting from `env` once. Throws a ConfigError listing every bad value. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(settings) as [SettingName, Setting<unknown>][]) {
    const given = env[name];
    const raw = given === undefined || given === "" ? s.default : given;
    if (raw === undefined) {
      config[name] = undefined;
      continue;
    }
    const value = s.parse(raw);
    if (value === undefined) {
      const shown = s.secret ? "(hidden)" : JSON.stringify(raw);
      problems.push(`${name} must be ${s.expected} (got ${shown})`);
    } else {
      config[name] = value;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as Config;
}

/** The base URL of GitHub's REST API for this configuration; the one place it is derived. */
export function githubApiUrl(config: Pick<Config, "GHE_HOST" | "GHE_PROTOCOL">): string {
  return config.GHE_HOST ? `${config.GHE_PROTOCOL}://${config.GHE_HOST}/api/v3` : "https://api.github.com";
}

/** The base URL of GitHub's web pages (OAuth sign-in, app install links). */
export function githubWebUrl(config: Pick<Config, "GHE_HOST" | "GHE_PROTOCOL">): string {
  return config.GHE_HOST ? `${config.GHE_PROTOCOL}://${config.GHE_HOST}` : "https://github.com";
}

export function publicUrl(config: Pick<Config, "PUBLIC_URL" | "PORT">): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, "");
}
