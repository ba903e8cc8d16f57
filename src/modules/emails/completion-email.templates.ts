import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { viewsDir } from "../../paths.js";
import type { CompletionTemplates } from "./completion-email.render.js";

/** Reads the completion email's templates from views/emails (on use, not at import). */
export async function loadCompletionTemplates(dir = join(viewsDir, "emails")): Promise<CompletionTemplates> {
  const [html, text] = await Promise.all([
    readFile(join(dir, "completion.html.hbs"), "utf8"),
    readFile(join(dir, "completion.text.hbs"), "utf8"),
  ]);
  return { html, text };
}
