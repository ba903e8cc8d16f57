/** Where the status page lives; the one place its address is spelled, for pages and emails alike. */
export const STATUS_PATH = "/status";

/** The status page of one installation, as an absolute link for emails. */
export function installationPageUrl(publicUrl: string, installationId: number): string {
  return `${publicUrl.replace(/\/$/, "")}${STATUS_PATH}/installations/${installationId}`;
}
