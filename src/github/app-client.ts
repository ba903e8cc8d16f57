import type { Probot } from "probot";

export interface AppInstallation {
  id: number;
  accountLogin: string;
  accountId: number;
  accountType: "Organization" | "User";
  repositorySelection: "all" | "selected";
  permissions: Record<string, string>;
  suspended: boolean;
}

export interface InstallationRepository {
  id: number;
  fullName: string;
  private: boolean;
  archived: boolean;
}

/** Calls made as the app itself (its JWT) or per installation, for finding installations pr-sync missed. */
export interface AppGitHub {
  listInstallations: () => Promise<AppInstallation[]>;
  listInstallationRepositories: (installationId: number) => Promise<InstallationRepository[]>;
}

interface RestInstallation {
  id: number;
  account: { login?: string; slug?: string; id: number; type?: string } | null;
  repository_selection: "all" | "selected";
  permissions: Record<string, string>;
  suspended_at?: string | null;
}

interface RestRepository {
  id: number;
  full_name: string;
  private: boolean;
  archived?: boolean;
}

export function createAppGitHub(probot: Probot): AppGitHub {
  return {
    async listInstallations() {
      const octokit = await probot.auth();
      const list = (await octokit.paginate("GET /app/installations", { per_page: 100 })) as RestInstallation[];
      return list
        .filter((i) => i.account)
        .map((i) => ({
          id: i.id,
          accountLogin: i.account!.login ?? i.account!.slug ?? String(i.account!.id),
          accountId: i.account!.id,
          accountType: i.account!.type === "User" ? "User" : "Organization",
          repositorySelection: i.repository_selection,
          permissions: i.permissions,
          suspended: Boolean(i.suspended_at),
        }));
    },
    async listInstallationRepositories(installationId) {
      const octokit = await probot.auth(installationId);
      const list = (await octokit.paginate("GET /installation/repositories", { per_page: 100 })) as RestRepository[];
      return list.map((r) => ({ id: r.id, fullName: r.full_name, private: r.private, archived: r.archived ?? false }));
    },
  };
}
