import { installationRepositories, type Dataset, type SimRepository } from "./dataset.js";
import type { Principal } from "./auth.js";

/** Whether the caller may read a repository: installations see their repositories, users what they belong to. */
export function canReadRepository(data: Dataset, principal: Principal, repository: SimRepository): boolean {
  if (principal.kind === "installation") {
    const installation = data.installations.get(principal.installationId);
    return !!installation && installationRepositories(data, installation).some((r) => r.id === repository.id);
  }
  if (principal.kind === "user") return canUserSeeAccount(data, principal.userId, repository.ownerId);
  return false;
}

export function canUserSeeAccount(data: Dataset, userId: number, accountId: number): boolean {
  if (userId === accountId) return true;
  return (data.memberships.get(accountId) ?? []).some((m) => m.userId === userId);
}

/** Whether the caller may list an organization's members (concealed ones included). */
export function canReadMembers(data: Dataset, principal: Principal, organizationId: number): boolean {
  if (principal.kind === "installation")
    return data.installations.get(principal.installationId)?.accountId === organizationId;
  if (principal.kind === "user") return canUserSeeAccount(data, principal.userId, organizationId);
  return false;
}
