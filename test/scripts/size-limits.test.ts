import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findExcesses, sourceFiles } from "../../scripts/size-limits.js";

const lines = (count: number, text: string) => Array.from({ length: count }, () => text).join("\n");

describe("the size limits of src/", () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "pr-sync-size-"));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const measure = (name: string, text: string) => {
    const file = join(folder, name);
    writeFileSync(file, text);
    return findExcesses([file]).map(({ name: what, lines: count, limit }) => ({ what, count, limit }));
  };

  it("hold for every file and function in src/", () => {
    expect(findExcesses(sourceFiles())).toEqual([]);
  });

  it("name a function with more than 60 lines of its own", () => {
    const text = `export function long() {\n${lines(60, "  void 0;")}\n}\n`;
    expect(measure("long.ts", text)).toEqual([{ what: "long", count: 62, limit: 60 }]);
  });

  it("measure a factory's closures each on their own, so a factory of short closures passes", () => {
    const closure = (name: string) => `  const ${name} = () => {\n${lines(40, "    void 0;")}\n  };`;
    const text = `export function factory() {\n${closure("a")}\n${closure("b")}\n  return { a, b };\n}\n`;
    expect(measure("factory.ts", text)).toEqual([]);
  });

  it("name a file over 300 lines", () => {
    expect(measure("big.ts", `${lines(301, "void 0;")}\n`)).toEqual([{ what: "(file)", count: 301, limit: 300 }]);
  });
});
