import { and, eq, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { members } from "./members.table.js";

export interface MemberInput {
  userId: number;
  login: string;
  name?: string | null;
  role: "admin" | "member";
}

/** Upserts members as active; someone who left and came back is active again. */
export async function upsertMembers(
  db: Database,
  installationId: number,
  list: MemberInput[],
  seenAt: Date,
): Promise<void> {
  if (list.length === 0) return;
  await db
    .insert(members)
    .values(
      list.map((m) => ({
        installationId,
        userId: m.userId,
        login: m.login,
        name: m.name ?? null,
        role: m.role,
        active: true,
        seenAt,
      })),
    )
    .onConflictDoUpdate({
      target: [members.installationId, members.userId],
      set: {
        login: sql`excluded.login`,
        name: sql`coalesce(excluded.name, ${members.name})`,
        role: sql`excluded.role`,
        active: true,
        seenAt: sql`excluded.seen_at`,
        leftAt: null,
      },
    });
}

/** Marks members inactive (never deletes them). */
export async function markMembersLeft(
  db: Database,
  installationId: number,
  userIds: number[],
  at: Date,
): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .update(members)
    .set({ active: false, leftAt: at })
    .where(
      and(
        eq(members.installationId, installationId),
        sql`${members.userId} IN (${sql.join(
          userIds.map((id) => sql`${id}`),
          sql`, `,
        )})`,
        eq(members.active, true),
      ),
    );
}

/**
 * After a complete member sync: everyone still active who was not seen by it (their seen_at is older
 * than the sync's start) has left. Comparing times, not id lists, works for organizations of any size.
 */
export async function markUnseenMembersLeft(
  db: Database,
  installationId: number,
  syncStartedAt: Date,
  at: Date,
): Promise<number> {
  const rows = await db
    .update(members)
    .set({ active: false, leftAt: at })
    .where(and(eq(members.installationId, installationId), eq(members.active, true), lt(members.seenAt, syncStartedAt)))
    .returning({ id: members.userId });
  return rows.length;
}
