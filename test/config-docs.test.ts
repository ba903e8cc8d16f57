import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../src/paths.js";
import { envExample, readmeTable } from "../scripts/env-docs.js";

describe("configuration documentation", () => {
  it("README's configuration table is exactly the one generated from src/config.ts", () => {
    // Prettier aligns table columns, so cells are compared with their padding folded.
    const fold = (text: string) => text.replace(/ +/g, " ").replace(/-{3,}/g, "---");
    const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
    expect(fold(readme)).toContain(fold(readmeTable()));
  });

  it(".env.example is exactly the one generated from src/config.ts", () => {
    expect(readFileSync(join(projectRoot, ".env.example"), "utf8")).toBe(envExample());
  });
});
