import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import MailComposer from "nodemailer/lib/mail-composer";
import { outboxUnwritable } from "../emails.errors.js";
import type { EmailDriver } from "./email-driver.js";

/** The file name of a message: its Message-ID, so writing the same email again finds the earlier file. */
function fileName(messageId: string): string {
  return `${messageId.replace(/^<|>$/g, "").replace(/[^\w.@-]/g, "_")}.eml`;
}

/** Writes each email as an .eml file (open it with any mail program) instead of sending it. */
export function createOutboxDriver(options: { dir: string }): EmailDriver {
  const { dir } = options;
  return {
    destination: dir,
    async send(email) {
      const path = join(dir, fileName(email.messageId));
      if (existsSync(path)) return { location: path };
      try {
        const message = await new MailComposer({ ...email }).compile().build();
        await mkdir(dir, { recursive: true });
        // Written under a temporary name first so a reader never sees half a message.
        await writeFile(`${path}.tmp`, message);
        await rename(`${path}.tmp`, path);
      } catch (error) {
        throw outboxUnwritable(dir, error);
      }
      return { location: path };
    },
  };
}
