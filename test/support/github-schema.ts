import { schema } from "@octokit/graphql-schema";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

let built: GraphQLSchema | undefined;

/** GitHub's published GraphQL schema, built from its introspection JSON (the SDL file repeats two fields). */
export function githubSchema(): GraphQLSchema {
  built ??= buildClientSchema(schema.json as unknown as IntrospectionQuery);
  return built;
}
