import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationTypeNode,
  valueFromASTUntyped,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export const MAX_NODES = 500_000;

export interface GitHubGraphqlError {
  type?: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  message: string;
}

export interface QueryCost {
  /** Requests needed to fill every connection, each `first`/`last` assumed filled. */
  requests: number;
  nodes: number;
  /** requests / 100, rounded, at least 1: the points charged. */
  cost: number;
  /** The largest `first`/`last` of a connection that is not nested in another (the page size callers shrink). */
  largestPage: number;
  errors: GitHubGraphqlError[];
}

/** Variables as the query sees them: given values, else the declared defaults. */
export function effectiveVariables(
  operation: OperationDefinitionNode,
  given: Record<string, unknown>,
): Record<string, unknown> {
  const variables: Record<string, unknown> = { ...given };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (variables[name] === undefined && definition.defaultValue)
      variables[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return variables;
}

/**
 * GitHub's documented rate-limit arithmetic and pagination limits, computed on a validated document
 * before anything runs, so an over-large query costs nothing and fails the way GitHub fails it.
 */
export function analyzeQuery(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): QueryCost {
  const result: QueryCost = { requests: 0, nodes: 0, cost: 0, largestPage: 0, errors: [] };
  const rootType =
    operation.operation === OperationTypeNode.MUTATION ? schema.getMutationType() : schema.getQueryType();
  const visit = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, multiplier: number, path: string[]) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type) visit(selection.selectionSet, type, multiplier, path);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type) visit(fragment.selectionSet, type, multiplier, path);
        continue;
      }
      if (!(isObjectType(parent) || isInterfaceType(parent))) continue;
      const name = selection.name.value;
      const field = parent.getFields()[name];
      if (!field || !selection.selectionSet) continue;
      const type = getNamedType(field.type);
      const fieldPath = [...path, selection.alias?.value ?? name];
      const paged = field.args.some((a) => a.name === "first") && type.name.endsWith("Connection");
      if (!paged) {
        visit(selection.selectionSet, type, multiplier, fieldPath);
        continue;
      }
      const argument = (argName: string) => {
        const node = selection.arguments?.find((a) => a.name.value === argName);
        return node ? (valueFromASTUntyped(node.value, variables) as number | null | undefined) : undefined;
      };
      const size = argument("first") ?? argument("last");
      const location = { line: selection.loc?.startToken.line ?? 1, column: selection.loc?.startToken.column ?? 1 };
      if (size === undefined || size === null) {
        result.errors.push({
          type: "MISSING_PAGINATION_BOUNDARIES",
          path: fieldPath,
          locations: [location],
          message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
        });
        continue;
      }
      const which = argument("first") !== undefined ? "first" : "last";
      if (size > 100 || size < 1) {
        result.errors.push({
          type: "EXCESSIVE_PAGINATION",
          path: fieldPath,
          locations: [location],
          message:
            size > 100
              ? `Requesting ${size} records on the \`${name}\` connection exceeds the \`${which}\` limit of 100 records.`
              : `\`${which}\` on the \`${name}\` connection must be between 1 and 100.`,
        });
        continue;
      }
      if (multiplier === 1) result.largestPage = Math.max(result.largestPage, size);
      result.requests += multiplier;
      result.nodes += multiplier * size;
      if (result.nodes > MAX_NODES && !result.errors.some((e) => e.type === "MAX_NODE_LIMIT_EXCEEDED")) {
        result.errors.push({
          type: "MAX_NODE_LIMIT_EXCEEDED",
          message: `By the time this query traverses to the ${name} connection, it is requesting up to ${result.nodes.toLocaleString("en-US")} possible nodes which exceeds the maximum limit of ${MAX_NODES.toLocaleString("en-US")}.`,
        });
      }
      visit(selection.selectionSet, type, multiplier * size, fieldPath);
    }
  };
  if (rootType) visit(operation.selectionSet, rootType, 1, []);
  result.cost = Math.max(1, Math.round(result.requests / 100));
  return result;
}
