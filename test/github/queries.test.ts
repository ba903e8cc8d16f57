import { parse, validate } from "graphql";
import { ALL_QUERIES } from "../../src/github/queries.js";
import { githubSchema } from "../support/github-schema.js";

describe("GraphQL documents", () => {
  it.each(Object.entries(ALL_QUERIES))("%s is valid against GitHub's published schema", (_name, query) => {
    expect(validate(githubSchema(), parse(query)).map((e) => e.message)).toEqual([]);
  });
});
