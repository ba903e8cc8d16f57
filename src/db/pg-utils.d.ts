/** node-postgres's own conversion of a JavaScript value to what it sends for a parameter (no types published). */
declare module "pg/lib/utils.js" {
  export function prepareValue(value: unknown): unknown;
}
