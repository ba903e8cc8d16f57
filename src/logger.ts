import pino, { type DestinationStream, type Logger } from "pino";

/** Paths that may carry credentials in log objects; pino replaces them before anything is written. */
const REDACT = [
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "res.headers['set-cookie']",
  "request.headers.authorization",
  "privateKey",
  "*.privateKey",
  "secret",
  "*.secret",
  "clientSecret",
  "*.clientSecret",
  "password",
  "*.password",
  // A delivery whose signature did not match never reaches Probot; should one ever be logged, its body stays out.
  "event.payload",
  "*.event.payload",
];

/** Structured JSON logs (pino, as Probot uses). `destination` lets tests capture every line. */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    { level: options.level, name: "pr-sync", redact: { paths: REDACT, censor: "[redacted]" } },
    options.destination ?? pino.destination(1),
  );
}
