import { installationStopReason, isInstallationLive } from "../../../src/modules/installations/installations.models.js";

const at = new Date("2026-01-01T00:00:00Z");

describe("whether an installation is live", () => {
  it.each([
    ["neither uninstalled nor suspended", { deletedAt: null, suspendedAt: null }, null, true],
    ["suspended", { deletedAt: null, suspendedAt: at }, "suspended", false],
    ["uninstalled", { deletedAt: at, suspendedAt: null }, "uninstalled", false],
    ["uninstalled while suspended (uninstalled wins)", { deletedAt: at, suspendedAt: at }, "uninstalled", false],
  ] as const)("an installation %s stops for %p and is live: %p", (_name, state, reason, live) => {
    expect(installationStopReason(state)).toBe(reason);
    expect(isInstallationLive(state)).toBe(live);
  });
});
