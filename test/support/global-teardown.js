export default async function globalTeardown() {
  await globalThis.__PR_SYNC_TEST_DB__?.stop();
}
