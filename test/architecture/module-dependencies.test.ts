import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../src/paths.js";

const MODULES = join(projectRoot, "src/modules");

/** Each module with the other modules its code imports. Tables are left out: foreign keys follow the data model. */
function moduleImports(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const name of readdirSync(MODULES)) {
    const uses = new Set<string>();
    const files = readdirSync(join(MODULES, name), { recursive: true, encoding: "utf8" }).filter(
      (file) => file.endsWith(".ts") && !file.endsWith(".table.ts"),
    );
    for (const file of files) {
      for (const [, used] of readFileSync(join(MODULES, name, file), "utf8").matchAll(/from "(?:\.\.\/)+([\w-]+)\//g)) {
        if (used && used !== name && readdirSync(MODULES).includes(used)) uses.add(used);
      }
    }
    graph.set(name, uses);
  }
  return graph;
}

/** The first cycle found, as a path that returns to its start, or null. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const done = new Set<string>();
  const visit = (name: string, path: string[]): string[] | null => {
    if (path.includes(name)) return [...path.slice(path.indexOf(name)), name];
    if (done.has(name)) return null;
    for (const next of graph.get(name) ?? []) {
      const cycle = visit(next, [...path, name]);
      if (cycle) return cycle;
    }
    done.add(name);
    return null;
  };
  for (const name of graph.keys()) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return null;
}

describe("dependencies between modules", () => {
  it("run one way: no module reaches itself through the modules it imports", () => {
    expect(findCycle(moduleImports())).toBeNull();
  });

  it("keep installations below repositories and members, which work for an installation", () => {
    const graph = moduleImports();
    expect(graph.get("installations")!.has("repositories")).toBe(false);
    expect(graph.get("installations")!.has("members")).toBe(false);
    expect(graph.get("members")!.has("repositories")).toBe(false);
    expect(graph.get("repositories")!.has("installations")).toBe(true);
  });
});
