// Model thoughts as Markdown with LaTeX, through react-markdown (remark-gfm, remark-math) and
// rehype-katex. Safe for model text: react-markdown builds React elements, raw HTML stays text (no
// rehype-raw), its default urlTransform drops javascript: and other unsafe links, and images
// become plain links so a thought cannot make the browser fetch anything. Fenced code goes through
// our CodeView; math delimiters are normalised first (math-delimiters.ts).
import type { ReactNode } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import { KATEX_OPTIONS, toRemarkMath } from "../math-delimiters";
import { CodeView } from "./CodeView";

/** Headings in a thought are emphasis, not page structure. */
const heading =
  (level: number) =>
  ({ children }: { children?: ReactNode }) => <p className={`md-h md-h${level}`}>{children}</p>;

const COMPONENTS: Components = {
  h1: heading(1),
  h2: heading(2),
  h3: heading(3),
  h4: heading(4),
  h5: heading(5),
  h6: heading(6),
  a: ({ href, children }) => (
    <a href={href} rel="noopener noreferrer nofollow" target="_blank">
      {children}
    </a>
  ),
  img: ({ src, alt }) =>
    typeof src === "string" && src ? (
      <a href={src} rel="noopener noreferrer nofollow" target="_blank">
        {alt || src}
      </a>
    ) : (
      <>{alt}</>
    ),
  // A fenced block is <pre><code>; inline code keeps the default <code>.
  pre: ({ node }) => {
    const code = node?.children[0];
    const text = code?.type === "element" ? code.children.map((c) => (c.type === "text" ? c.value : "")).join("") : "";
    return <CodeView code={text.replace(/\n$/, "")} />;
  },
};

export function Markdown({ source }: { source: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={[[remarkGfm, { singleTilde: false }], remarkMath]}
        rehypePlugins={[[rehypeKatex, KATEX_OPTIONS]]}
        components={COMPONENTS}
      >
        {toRemarkMath(source)}
      </ReactMarkdown>
    </div>
  );
}
