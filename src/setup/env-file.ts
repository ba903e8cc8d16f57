import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseEnv } from "node:util";

/** The settings in a `.env` file (Probot's format, which dotenv and Node's --env-file read too); none when it is missing. */
export function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const parsed = parseEnv(readFileSync(path, "utf8"));
  return Object.fromEntries(
    Object.entries(parsed).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function line(key: string, value: string): string {
  // Multi-line values (the private key) go in double quotes with \n, as Probot's setup writes them.
  return value.includes("\n") ? `${key}="${value.replace(/\n/g, "\\n")}"` : `${key}=${value}`;
}

/** Adds or replaces settings in the `.env` file, keeping the others; readable by its owner only (it holds secrets). */
export function updateEnvFile(path: string, values: Record<string, string>): void {
  const merged = { ...readEnvFile(path), ...values };
  const text = Object.entries(merged)
    .map(([key, value]) => line(key, value))
    .join("\n");
  writeFileSync(path, `${text}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The environment pr-sync runs with: the `.env` file's settings, with real environment variables winning. */
export function withEnvFile(
  env: Record<string, string | undefined>,
  file: Record<string, string>,
): Record<string, string | undefined> {
  const real = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  return { ...file, ...real };
}
