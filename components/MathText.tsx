// A one-line string (a question, a gold or final answer, a list cell) with its LaTeX rendered by
// KaTeX and nothing else: no Markdown, the text shown as written. The math is found by the same
// pre-pass as the Markdown thoughts (math-delimiters.ts) and rendered by the same rehype-katex
// settings, into React elements (no HTML strings). Every formula is inline, so a row keeps its height.
import ReactMarkdown from "react-markdown";
import rehypeKatex from "rehype-katex";
import { KATEX_OPTIONS, splitMath, type MathSegment } from "./math-delimiters";

/** The node remark-math makes for inline math, as rehype-katex expects it (class math-inline). */
function mathNode(tex: string) {
  return {
    type: "inlineMath",
    value: tex,
    data: { hName: "code", hProperties: { className: ["language-math", "math-inline"] }, hChildren: [{ type: "text", value: tex }] },
  };
}

/** A remark plugin that ignores the Markdown parse and builds the tree from the segments: text stays
 * text. One span holds them all (a root would put newlines between its children). */
function plainTextWithMath(segments: MathSegment[]) {
  const children = segments.map((s) => (s.kind === "math" ? mathNode(s.tex) : { type: "text", value: s.text }));
  return () => () => ({ type: "root", children: [{ type: "paragraph", data: { hName: "span" }, children }] });
}

export function MathText({ text }: { text: string }) {
  const segments = splitMath(text);
  if (!segments.some((s) => s.kind === "math")) return <>{text}</>;
  return <ReactMarkdown remarkPlugins={[plainTextWithMath(segments)]} rehypePlugins={[[rehypeKatex, KATEX_OPTIONS]]} />;
}
