import { createTransport } from "nodemailer";
import { deliveryFailed } from "../emails.errors.js";
import type { EmailDriver } from "./email-driver.js";

/**
 * Sends through the server in `url`: smtps:// connects over TLS, smtp:// upgrades with STARTTLS when the
 * server offers it (add ?requireTLS=true to insist). Credentials in the URL are used, never logged.
 */
export function createSmtpDriver(options: { url: string }): EmailDriver {
  const parsed = new URL(options.url);
  const destination = `${parsed.protocol}//${parsed.host}`;
  return {
    destination,
    async send(email) {
      // One connection per email: completion emails are rare, and nothing is shared between jobs.
      const transport = createTransport({
        url: options.url,
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: 60_000,
      });
      try {
        await transport.sendMail({ ...email });
      } catch (error) {
        throw deliveryFailed(destination, error);
      } finally {
        transport.close();
      }
      return { location: destination };
    },
  };
}
