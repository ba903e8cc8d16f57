import { publicUrl } from "../../../config.js";
import type { JobDefinition } from "../../../jobs/job-definition.js";
import type { Runtime } from "../../../runtime.js";
import { loadCompletionTemplates } from "../completion-email.templates.js";
import { sendCompletionEmail } from "../completion-email.usecases.js";
import { createEmailDriver } from "../drivers/email-driver.js";

/** Sends one batch's completion email; its own job so a mail failure retries without touching any sync. */
export function sendCompletionEmailTask(runtime: Runtime): JobDefinition<"email.completion"> {
  const { config } = runtime;
  return {
    name: "email.completion",
    concurrency: 2,
    attempts: config.JOB_ATTEMPTS,
    lockLifetimeMs: 5 * 60_000,
    uniqueBy: "batchKey",
    handler: async (data, context) => {
      const outcome = await sendCompletionEmail({
        db: runtime.db,
        driver: createEmailDriver(config),
        templates: await loadCompletionTemplates(),
        installationId: data.installationId,
        batchKey: data.batchKey,
        mailFrom: config.MAIL_FROM,
        notifyEmails: config.NOTIFY_EMAILS,
        publicUrl: publicUrl(config),
        windowDays: config.BACKFILL_DAYS,
        now: runtime.now(),
        isLastAttempt: context.isLastAttempt,
        log: context.log,
      });
      if (outcome !== "sent") context.log.info({ ...data, outcome }, "completion email not sent");
    },
  };
}
