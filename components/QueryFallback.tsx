// What a view shows until its query has data: "Loading runs…", or "Could not load runs: why".
// Views open with `if (!query.isSuccess) return <QueryFallback query={query} noun="runs" />;`,
// after which the query's data is typed as present.
export function QueryFallback({ query, noun }: { query: { error: { message: string } | null }; noun: string }) {
  if (query.error)
    return (
      <p className="error">
        Could not load {noun}: {query.error.message}
      </p>
    );
  return <p className="muted">Loading {noun}…</p>;
}
