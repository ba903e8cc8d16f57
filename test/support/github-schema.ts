/** GitHub's published GraphQL schema, built once: the simulator's, so tests and simulator validate alike. */
export { githubSchema } from "../../simulator/graphql.js";
