import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readEnvFile, updateEnvFile, withEnvFile } from "../../src/setup/env-file.js";
import { testPrivateKey } from "../support/app.js";

describe("the .env file", () => {
  const file = () => join(mkdtempSync(join(tmpdir(), "pr-sync-dotenv-")), ".env");

  it("keeps a multi-line private key and the lines already there, readable by its owner only", () => {
    const path = file();
    writeFileSync(path, "# mine\nLOG_LEVEL=debug\n");
    updateEnvFile(path, { APP_ID: "42", PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET: "s3cret" });
    expect(readEnvFile(path)).toEqual({
      LOG_LEVEL: "debug",
      APP_ID: "42",
      PRIVATE_KEY: testPrivateKey(),
      WEBHOOK_SECRET: "s3cret",
    });
    expect(readFileSync(path, "utf8")).toMatch(/^PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----\\n/m);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("reads nothing from a missing file", () => {
    expect(readEnvFile(file())).toEqual({});
  });

  it("lets real environment variables win over the file, except empty ones", () => {
    expect(withEnvFile({ PORT: "4000", LOG_LEVEL: "" }, { PORT: "3000", LOG_LEVEL: "debug", APP_ID: "7" })).toEqual({
      PORT: "4000",
      LOG_LEVEL: "debug",
      APP_ID: "7",
    });
  });
});
