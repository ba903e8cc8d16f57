/**
 * Remembers one computed value per scope (an installation's insights, its pull-request count) together with
 * the version of the data it was computed from. A lookup with the same version answers the remembered value;
 * any other version computes afresh and replaces it. Concurrent lookups of one scope and version share one
 * computation. The least recently used scope is forgotten beyond `capacity`, so memory stays bounded.
 */
export interface FiguresCache {
  get<T>(scope: string, version: string, compute: () => Promise<T>): Promise<T>;
}

export function createFiguresCache(capacity = 200): FiguresCache {
  const entries = new Map<string, { version: string; value: Promise<unknown> }>();
  return {
    get<T>(scope: string, version: string, compute: () => Promise<T>): Promise<T> {
      const entry = entries.get(scope);
      entries.delete(scope);
      if (entry && entry.version === version) {
        entries.set(scope, entry);
        return entry.value as Promise<T>;
      }
      const value = compute();
      const fresh = { version, value };
      entries.set(scope, fresh);
      // A failed computation is not remembered: the next lookup tries again.
      value.catch(() => {
        if (entries.get(scope) === fresh) entries.delete(scope);
      });
      if (entries.size > capacity) entries.delete(entries.keys().next().value!);
      return value;
    },
  };
}
