/** How each kind of setting in src/config.ts is read from its text; undefined means the value is invalid. */
import { z } from "zod";

/** One environment variable: how it is documented, its default and how it is read. */
export interface Setting<T> {
  doc: string;
  default: string | undefined;
  expected: string;
  parse: (raw: string) => T | undefined;
  secret?: boolean;
}

/** A whole number within [min, max]. */
export function wholeNumber(min: number, max: number) {
  return (raw: string) => {
    if (!/^\d+$/.test(raw.trim())) return undefined;
    const value = Number(raw);
    return value >= min && value <= max ? value : undefined;
  };
}

/** Any text, as given. */
export function text(raw: string) {
  return raw;
}

/** A URL with one of `protocols`. */
export function optionalUrl(protocols: string[]) {
  return (raw: string) => {
    try {
      const url = new URL(raw);
      return protocols.includes(url.protocol.replace(/:$/, "")) ? raw : undefined;
    } catch {
      return undefined;
    }
  };
}

const emailSchema = z.email();

/** Comma-separated email addresses, each valid. */
export function emailList(raw: string) {
  const emails = raw
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  return emails.every((e) => emailSchema.safeParse(e).success) ? emails : undefined;
}

/** A cron expression of five or six fields. */
export function cronExpression(raw: string) {
  const fields = raw.trim().split(/\s+/);
  return fields.length === 5 || fields.length === 6 ? raw.trim() : undefined;
}

/** One of `values`, exactly. */
export function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string) => (values.includes(raw as T) ? (raw as T) : undefined);
}
