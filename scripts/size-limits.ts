/**
 * Keeps src/ in small pieces: no file over 300 lines and no function over 60 lines of its own. A function's
 * own lines leave out the functions written inside it (a factory's closures are measured each on its own);
 * eslint's max-lines-per-function (in eslint.config.js) also holds each function's whole span, closures
 * included, to 60 lines. Declarative tables are listed below
 * with the reason they may be longer. Exits 1 and names each excess; `npm run lint` runs it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { projectRoot } from "../src/paths.js";

export const MAX_FILE_LINES = 300;
export const MAX_FUNCTION_LINES = 60;

/** Functions that are tables (one entry per metric, per setting…) rather than logic: "file:function" → why. */
export const DECLARATIVE_TABLES: Record<string, string> = {
  "src/metrics/metrics.ts:createMetrics": "one declaration per Prometheus metric, no logic",
};

export interface Excess {
  file: string;
  name: string;
  lines: number;
  limit: number;
}

function lineOf(source: ts.SourceFile, position: number): number {
  return source.getLineAndCharacterOfPosition(position).line;
}

function functionName(node: ts.FunctionLikeDeclaration): string {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return `(anonymous at line ${lineOf(node.getSourceFile(), node.getStart()) + 1})`;
}

/** Lines a function spans, less those of the functions nested directly inside it. */
function ownLines(node: ts.FunctionLikeDeclaration, source: ts.SourceFile): number {
  const span = (n: ts.Node) => lineOf(source, n.getEnd()) - lineOf(source, n.getStart()) + 1;
  let nested = 0;
  const visit = (child: ts.Node) => {
    if (ts.isFunctionLike(child) && "body" in child && child.body) nested += span(child) - 1;
    else ts.forEachChild(child, visit);
  };
  if (node.body) ts.forEachChild(node.body, visit);
  return span(node) - nested;
}

/** Every file and function of `files` (paths relative to the project) over its limit. */
export function findExcesses(files: string[]): Excess[] {
  const excesses: Excess[] = [];
  for (const file of files) {
    const text = readFileSync(resolve(projectRoot, file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const fileLines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    if (fileLines > MAX_FILE_LINES) excesses.push({ file, name: "(file)", lines: fileLines, limit: MAX_FILE_LINES });
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const name = functionName(node);
        const lines = ownLines(node, source);
        if (lines > MAX_FUNCTION_LINES && !DECLARATIVE_TABLES[`${file}:${name}`])
          excesses.push({ file, name, lines, limit: MAX_FUNCTION_LINES });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return excesses;
}

/** The TypeScript files under src/, relative to the project. */
export function sourceFiles(): string[] {
  return readdirSync(join(projectRoot, "src"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => relative(projectRoot, join(projectRoot, "src", file)));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const excesses = findExcesses(sourceFiles());
  for (const e of excesses) process.stderr.write(`${e.file}: ${e.name} has ${e.lines} lines (limit ${e.limit})\n`);
  process.exitCode = excesses.length > 0 ? 1 : 0;
}
