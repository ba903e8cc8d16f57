import { readFileSync } from "node:fs";
import { parse, validate } from "graphql";
import { ALL_QUERIES } from "../../src/github/queries.js";
import { GENERATED_PATH, graphqlTypes } from "../../scripts/graphql-types.js";
import { githubSchema } from "../support/github-schema.js";

describe("GraphQL documents", () => {
  it.each(Object.entries(ALL_QUERIES))("%s is valid against GitHub's published schema", (_name, query) => {
    expect(validate(githubSchema(), parse(query)).map((e) => e.message)).toEqual([]);
  });

  it("their result types in src/github are exactly the ones generated from the queries and GitHub's schema", async () => {
    expect(readFileSync(GENERATED_PATH, "utf8")).toBe(await graphqlTypes());
  });
});
