/** Jest on ts-jest's ESM preset; one embedded PostgreSQL for the run, a fresh database per test file. */
export default {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, diagnostics: false }],
  },
  globalSetup: "<rootDir>/test/support/global-setup.js",
  globalTeardown: "<rootDir>/test/support/global-teardown.js",
  testTimeout: 60_000,
  maxWorkers: 2,
  // Agenda 6.2.6 leaves a timer of half a job's lock lifetime (150 s for a 5-minute lock) behind every job it
  // ran (JobProcessor's checkIfJobIsStillAlive waits it out even when the job has ended), and stop() does not
  // clear it. Found with an async-hooks probe; pr-sync's own processes exit explicitly. Without this, a run
  // of one file that starts the app waits up to 150 s after its last test.
  forceExit: true,
};
