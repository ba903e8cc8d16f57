import Router, { type HTTPMethod } from "find-my-way";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
}

export type RouteHandler = (request: RouteRequest) => Promise<void> | void;
/** Probot 14's handler shape: true when it answered, false to let the next handler try. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

export interface AppRouter {
  on: (method: HTTPMethod | HTTPMethod[], path: string, handler: RouteHandler) => void;
  handler: HttpHandler;
}

/** A find-my-way router exposed as a Probot handler. */
export function createRouter(): AppRouter {
  const router = Router({ ignoreTrailingSlash: true, maxParamLength: 200 });
  return {
    on(method, path, handler) {
      // find-my-way's handler slot is unused; our handler travels in the route's store.
      router.on(method, path, () => {}, { handler });
    },
    async handler(req, res) {
      const url = new URL(req.url ?? "/", "http://localhost");
      const found = router.find(req.method as HTTPMethod, url.pathname);
      if (!found) return false;
      const { handler } = found.store as { handler: RouteHandler };
      await handler({ req, res, params: found.params, query: Object.fromEntries(url.searchParams) });
      return true;
    },
  };
}
