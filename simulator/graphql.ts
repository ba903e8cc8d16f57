import { randomUUID } from "node:crypto";
import { schema as githubSchemaJson } from "@octokit/graphql-schema";
import {
  buildClientSchema,
  execute,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  type IntrospectionQuery,
  type OperationDefinitionNode,
} from "graphql";
import { budgetOwner, rateLimitedMessage, type Principal } from "./auth.js";
import { analyzeQuery, effectiveVariables, type GitHubGraphqlError } from "./graphql-cost.js";
import { rootView, type GraphqlContext } from "./graphql-views.js";
import { rateLimitHeaders } from "./rate-limits.js";
import type { SimulatorState } from "./state.js";

export interface GraphqlAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  cost: number;
  charged: boolean;
}

/**
 * GitHub's published schema, built from its introspection JSON (the SDL repeats two fields). Built once
 * per process: it is read-only and takes a second to build.
 */
let builtSchema: GraphQLSchema | undefined;
export function githubSchema(): GraphQLSchema {
  builtSchema ??= buildClientSchema(githubSchemaJson.json as unknown as IntrospectionQuery);
  return builtSchema;
}

/**
 * Documents already parsed and validated, by query text: a client sends the same few queries again and again,
 * and validating one against the whole schema costs more than answering a small one. Cleared when full.
 */
const checkedDocuments = new Map<string, DocumentNode>();
const CHECKED_DOCUMENTS_MAX = 200;

/** The parsed document, or the errors GitHub answers for a query that does not parse or validate. */
function checkedDocument(query: string): DocumentNode | GitHubGraphqlError[] {
  const known = checkedDocuments.get(query);
  if (known) return known;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return [{ message: (error as GraphQLError).message }];
  }
  const validationErrors = validate(githubSchema(), document);
  if (validationErrors.length > 0) return validationErrors.map(formatError);
  if (checkedDocuments.size >= CHECKED_DOCUMENTS_MAX) checkedDocuments.clear();
  checkedDocuments.set(query, document);
  return document;
}

function formatError(error: GraphQLError): GitHubGraphqlError {
  const type = error.extensions?.githubType as string | undefined;
  return {
    ...(type ? { type } : {}),
    ...(error.path ? { path: [...error.path] } : {}),
    ...(error.locations ? { locations: [...error.locations] } : {}),
    message: error.message,
  };
}

/** Answers POST /api/graphql: parse, validate against the real schema, check limits and cost, then run. */
export function handleGraphql(
  state: SimulatorState,
  principal: Principal,
  rawBody: string,
  web: string,
  now: number,
): GraphqlAnswer {
  const owner = budgetOwner(principal);
  const headersNow = () => rateLimitHeaders(state.rateLimits.peek(owner, "graphql", now), "graphql");
  const reject = (errors: GitHubGraphqlError[], status = 200): GraphqlAnswer => ({
    status,
    body: { errors },
    headers: headersNow(),
    cost: 0,
    charged: false,
  });
  let request: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    request = JSON.parse(rawBody) as typeof request;
  } catch {
    return { ...reject([{ message: "Problems parsing JSON" }], 400) };
  }
  if (typeof request.query !== "string")
    return reject([{ message: "A query attribute must be specified and must be a string." }]);
  const document = checkedDocument(request.query);
  if (Array.isArray(document)) return reject(document);
  const schema = githubSchema();

  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation =
    typeof request.operationName === "string"
      ? operations.find((o) => o.name?.value === request.operationName)
      : operations.length === 1
        ? operations[0]
        : undefined;
  if (!operation)
    return reject([{ message: "An operation name is required when the document has several operations." }]);
  const fragments = Object.fromEntries(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const variables = effectiveVariables(operation, (request.variables ?? {}) as Record<string, unknown>);
  const analysis = analyzeQuery(schema, operation, fragments, variables);
  if (analysis.errors.length > 0) return reject(analysis.errors);

  if (analysis.largestPage > state.faults.graphqlMaxFirst)
    return {
      status: 502,
      body: {
        data: null,
        errors: [
          {
            message: `Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include \`${randomUUID().slice(0, 8).toUpperCase()}\` when reporting this issue.`,
          },
        ],
      },
      headers: headersNow(),
      cost: 0,
      charged: false,
    };

  const spent = state.rateLimits.spend(owner, "graphql", analysis.cost, now);
  if (!spent.allowed) {
    const exhausted = { ...spent.bucket, used: spent.bucket.limit };
    return {
      status: 200,
      body: { errors: [{ type: "RATE_LIMITED", message: rateLimitedMessage(principal) }] },
      headers: rateLimitHeaders(exhausted, "graphql"),
      cost: 0,
      charged: false,
    };
  }
  const context: GraphqlContext = { data: state.data, principal, web, cost: analysis.cost, bucket: spent.bucket };
  const result = execute({
    schema,
    document,
    rootValue: rootView(context),
    contextValue: context,
    variableValues: request.variables as Record<string, unknown> | undefined,
    operationName: typeof request.operationName === "string" ? request.operationName : undefined,
  }) as ExecutionResult;
  const body: Record<string, unknown> = { data: result.data ?? null };
  if (result.errors?.length) body.errors = result.errors.map(formatError);
  return { status: 200, body, headers: rateLimitHeaders(spent.bucket, "graphql"), cost: analysis.cost, charged: true };
}
