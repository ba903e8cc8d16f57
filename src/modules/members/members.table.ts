import { bigint, boolean, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { installations } from "../installations/installations.table.js";

export const members = pgTable(
  "members",
  {
    installationId: bigint("installation_id", { mode: "number" })
      .notNull()
      .references(() => installations.id, { onDelete: "cascade" }),
    userId: bigint("user_id", { mode: "number" }).notNull(),
    login: text("login").notNull(),
    name: text("name"),
    role: text("role").$type<"admin" | "member">().notNull().default("member"),
    active: boolean("active").notNull().default(true),
    seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
    leftAt: timestamp("left_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.userId] })],
);
