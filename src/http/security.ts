import type { IncomingMessage } from "node:http";
import { createRateLimiter, type RateLimiter } from "../modules/rate-limits/rate-limits.usecases.js";
import type { Runtime } from "../runtime.js";
import { clientAddress } from "./client-address.js";
import { createOperatorTokenCheck, type OperatorTokenCheck } from "./operator-token.js";

/** The checks every route shares, built once per server: the one operator-token check and the limiters. */
export interface HttpSecurity {
  /** Checks a presented ADMIN_TOKEN; failures from one address share one limit. */
  checkOperatorToken: OperatorTokenCheck;
  /** Sign-in steps that check a secret or call GitHub (the same limiter as the token checks). */
  tokenLimiter: RateLimiter;
  /** Every call of the JSON API. */
  apiLimiter: RateLimiter;
  address: (req: IncomingMessage) => string;
}

export function createHttpSecurity(runtime: Pick<Runtime, "db" | "config" | "now">): HttpSecurity {
  const { db, config, now } = runtime;
  const tokenLimiter = createRateLimiter({ db, bucket: "token", limit: 20, windowMs: 60_000, now });
  return {
    checkOperatorToken: createOperatorTokenCheck({
      adminToken: config.ADMIN_TOKEN,
      limiter: tokenLimiter,
      trustedProxies: config.TRUST_PROXY,
    }),
    tokenLimiter,
    apiLimiter: createRateLimiter({ db, bucket: "api", limit: 120, windowMs: 60_000, now }),
    address: (req) => clientAddress(req, config.TRUST_PROXY),
  };
}
