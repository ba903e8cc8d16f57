/** Writes .env.example and prints the README's configuration table, both from the settings in src/config.ts. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { settings } from "../src/config.js";
import { projectRoot } from "../src/paths.js";

export function envExample(): string {
  const lines = ["# pr-sync configuration. Every variable is optional; the value shown is the default.", ""];
  for (const [name, s] of Object.entries(settings)) {
    lines.push(`# ${s.doc}`);
    lines.push(`${s.default === undefined ? "# " : ""}${name}=${s.default ?? ""}`);
    lines.push("");
  }
  return lines.join("\n");
}

export function readmeTable(): string {
  const rows = ["| Variable | Default | What it does |", "| --- | --- | --- |"];
  for (const [name, s] of Object.entries(settings)) {
    const shown = s.default === undefined ? "—" : s.default === "" ? '`""`' : `\`${s.default}\``;
    rows.push(`| \`${name}\` | ${shown} | ${s.doc.replace(/\|/g, "\\|")} |`);
  }
  return rows.join("\n");
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  writeFileSync(join(projectRoot, ".env.example"), envExample());
  process.stdout.write(readmeTable() + "\n");
}
