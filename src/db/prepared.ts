/**
 * A query prepared once per database handle, on first use. Drizzle then neither builds its SQL again nor has
 * PostgreSQL plan it again on each connection's later runs: for the statements every webhook runs, that
 * building cost more CPU than anything else pr-sync does for the delivery.
 */
export function preparedFor<Db extends object, Prepared>(build: (db: Db) => Prepared): (db: Db) => Prepared {
  const prepared = new WeakMap<Db, Prepared>();
  return (db) => {
    let query = prepared.get(db);
    if (!query) {
      query = build(db);
      prepared.set(db, query);
    }
    return query;
  };
}
