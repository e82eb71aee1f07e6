import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { QueryFallback } from "./QueryFallback";

const render = (error: { message: string } | null) =>
  renderToStaticMarkup(createElement(QueryFallback, { query: { error }, noun: "runs" }));

describe("QueryFallback", () => {
  it("says what is loading until the query has data", () => {
    expect(render(null)).toBe('<p class="muted">Loading runs…</p>');
  });

  it("shows why the query failed instead of loading forever", () => {
    expect(render({ message: "database is locked" })).toBe('<p class="error">Could not load runs: database is locked</p>');
  });
});
