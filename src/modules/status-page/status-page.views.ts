import Handlebars from "handlebars";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

export type Render = (page: string, context: Record<string, unknown>) => string;

/**
 * Compiles the status page's templates from views/ into their own Handlebars instance, so helpers
 * and partials never leak between servers. Double braces escape everything rendered.
 */
export function createRenderer(viewsDir: string): Render {
  const hbs = Handlebars.create();
  const read = (dir: string) =>
    Object.fromEntries(
      readdirSync(join(viewsDir, dir))
        .filter((f) => f.endsWith(".hbs"))
        .map((f) => [basename(f, ".hbs"), readFileSync(join(viewsDir, dir, f), "utf8")]),
    );
  for (const [name, source] of Object.entries(read("partials"))) hbs.registerPartial(name, source);
  hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  // Partials are not re-indented to their call site: a table of 100 rows would carry kilobytes of spaces.
  const compile = (src: string) => hbs.compile(src, { preventIndent: true });
  const pages = Object.fromEntries(Object.entries(read("pages")).map(([name, src]) => [name, compile(src)]));
  const layout = compile(read("layouts")["main"] ?? "{{{body}}}");
  return (page, context) => {
    const template = pages[page];
    if (!template) throw new Error(`pr-sync: no template views/pages/${page}.hbs`);
    const body = template(context);
    if (context.fragment) return body;
    return layout({ ...context, body });
  };
}
