/** Stable ids the tests and the demo refer to. */
export const IDS = {
  organizations: [9_001, 9_002],
  user: 9_003,
  installations: [31_001, 31_002, 31_003],
  dependabot: 49_699_333,
  renovate: 29_139_614,
} as const;

/** Where the fleet's ids begin: organization i (from 0) is firstOrganization + i, its installation firstInstallation + i. */
export const FLEET_IDS = { firstOrganization: 1_000_001, firstInstallation: 2_000_001 } as const;
