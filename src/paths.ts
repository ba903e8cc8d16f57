import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`pr-sync: no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The project folder, whether running from src/ (tsx, tests) or dist/src/ (built). */
export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
export const viewsDir = join(projectRoot, "views");
export const migrationsDir = join(projectRoot, "drizzle");
export const appManifestPath = join(projectRoot, "app.yml");
/** The settings file Probot's setup convention uses; pr-sync reads it at start and its setup writes it. */
export const envFilePath = join(projectRoot, ".env");

export function dataPath(dataDir: string, ...parts: string[]): string {
  return resolve(projectRoot, dataDir, ...parts);
}
