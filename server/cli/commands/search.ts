// `distillery search QUERY`: what the agent's web_search tool would see, from the shell.
import { retrieverTarget } from "@/server/endpoints/registry";
import { intFlag, jsonOption, stringFlag, UsageError, type Command } from "../command";
import { printJson } from "../format";
import { openRetriever, RetrievalConfigError, RetrievalError, search, WEB_SEARCH_TOP_K } from "../../tools/retrieval";

export const searchCommand: Command = {
  name: "search",
  summary: "search the retrieval corpus (local BM25 or a Search-R1 server) like web_search does",
  usage: "QUERY [--k N] [--retriever bm25|URL] [--json]",
  options: {
    k: { type: "string", help: `number of passages (default ${WEB_SEARCH_TOP_K})` },
    retriever: { type: "string", help: '"bm25" (local corpus, default), a configured retriever\'s name, or a Search-R1 server URL' },
    timeout: { type: "string", help: "seconds to wait for a remote retriever (default 30)" },
    ...jsonOption,
  },
  async run(args) {
    const query = args.positionals.join(" ").trim();
    if (query === "") throw new UsageError('search: missing QUERY (e.g. npx distillery search "Who wrote Hamlet?")');
    const k = intFlag(args, "k", WEB_SEARCH_TOP_K, { min: 1, max: 100 });
    const timeoutS = intFlag(args, "timeout", 30, { min: 1, max: 3600 });
    const spec = stringFlag(args, "retriever") ?? "bm25";
    const json = args.values.json === true;
    try {
      // "bm25", a configured retriever's name (endpoints.json) or a URL; a key from the environment.
      const target = retrieverTarget(spec);
      const retriever = openRetriever(target.spec, {
        remote: { timeoutMs: timeoutS * 1000, apiKey: target.apiKey },
        bm25: {
          onBuild: (corpus) => {
            if (!json) console.error(`building the BM25 index of ${corpus.passages.length} passages (once per corpus)…`);
          },
        },
      });
      const passages = await search(retriever, query, k);
      if (json) {
        printJson({ query, retriever: retriever.name, k, passages });
        return 0;
      }
      if (passages.length === 0) console.log("No results found.");
      passages.forEach((p, i) => {
        const score = Number.isFinite(p.score) ? `, score ${p.score.toFixed(2)}` : "";
        console.log(`${i + 1}. ${p.title || "(untitled)"}  [id ${p.id}${score}]`);
        console.log(`   ${p.contents}\n`);
      });
      return 0;
    } catch (err) {
      if (!(err instanceof RetrievalError)) throw err;
      // A missing corpus or bad URL is the user's to fix (exit 2); a failing server is not.
      if (err instanceof RetrievalConfigError) throw new UsageError(`search: ${err.message}`);
      console.error(`distillery: search: ${err.message}`);
      return 1;
    }
  },
};
