/** Global node ids in GitHub's current shape: a type prefix and an opaque base64url part. */
const PREFIXES = {
  PullRequest: "PR_",
  PullRequestReview: "PRR_",
  User: "U_",
  Bot: "BOT_",
  Organization: "O_",
  Repository: "R_",
} as const;

export type NodeType = keyof typeof PREFIXES;

export function encodeNodeId(type: NodeType, id: number): string {
  return `${PREFIXES[type]}kw${Buffer.from(`0:${id}`).toString("base64url")}`;
}

export function decodeNodeId(nodeId: string): { type: NodeType; id: number } | undefined {
  for (const [type, prefix] of Object.entries(PREFIXES) as [NodeType, string][]) {
    if (!nodeId.startsWith(`${prefix}kw`)) continue;
    const match = /^0:(\d+)$/.exec(Buffer.from(nodeId.slice(prefix.length + 2), "base64url").toString());
    return match ? { type, id: Number(match[1]) } : undefined;
  }
  return undefined;
}
