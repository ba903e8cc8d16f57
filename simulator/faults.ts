/** Failures the simulator can inject, to test the app's retry, back-off and page-shrinking paths. */
export interface Faults {
  /** Time from a request's arrival to its answer, the simulator's own work included. */
  latencyMs: number;
  /** Share (0–1) of API requests answered with a 5xx. */
  serverErrorRate: number;
  /** The next N API requests are answered with a 5xx. */
  serverErrorsNext: number;
  serverErrorStatus: 502 | 503;
  /** The next N API requests hit a secondary rate limit (403 with retry-after). */
  secondaryLimitNext: number;
  retryAfterSeconds: number;
  /** GraphQL queries whose outermost connection asks for more than this many nodes time out with a 502. */
  graphqlMaxFirst: number;
  /** The next request made with an installation token finds it expired. */
  expireTokenOnNextUse: boolean;
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  serverErrorRate: 0,
  serverErrorsNext: 0,
  serverErrorStatus: 502,
  secondaryLimitNext: 0,
  retryAfterSeconds: 60,
  graphqlMaxFirst: Number.POSITIVE_INFINITY,
  expireTokenOnNextUse: false,
};

/** Decides whether this request gets a server error, consuming a "next N" fault when it does. */
export function takeServerError(faults: Faults, random: () => number): boolean {
  if (faults.serverErrorsNext > 0) {
    faults.serverErrorsNext -= 1;
    return true;
  }
  return faults.serverErrorRate > 0 && random() < faults.serverErrorRate;
}

export function takeSecondaryLimit(faults: Faults): boolean {
  if (faults.secondaryLimitNext <= 0) return false;
  faults.secondaryLimitNext -= 1;
  return true;
}
