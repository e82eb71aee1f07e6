// Where the LaTeX is in model text, found once for both renderers (Markdown for thoughts, MathText
// for one-line strings). Models write $…$, $$…$$, \(…\) and \[…\]; remark-math reads only the
// dollar forms and, with single dollars on, turns "costs $5 and $10" into the formula "5 and ".
// So this pre-pass decides what is math, with Pandoc's rule for single dollars (the opening $ is
// followed by a non-space, the closing $ follows a non-space and is not followed by a digit), and
// hands remark-math an unambiguous source: math as $…$ / $$…$$, every other $ escaped. Code spans
// and fenced code are left as they are. Indented code blocks are not recognised (models fence code).

export type MathSegment = { kind: "text"; text: string } | { kind: "code"; text: string } | { kind: "math"; tex: string; display: boolean };

/** The KaTeX settings for model text (untrusted): no \href, \url, \includegraphics or \html…
 * (trust: false), no console noise for non-LaTeX input (strict), and no giant boxes (maxSize, em).
 * Bad LaTeX never throws: rehype-katex takes no throwOnError, it tries strictly and falls back to
 * throwOnError: false, the source in red (class katex-error). */
export const KATEX_OPTIONS = { trust: false, strict: "ignore", maxSize: 20 } as const;

/** A newline that ends a paragraph (the next line is blank): inline math and code spans stop there. */
const PARAGRAPH_END = /\n(?=[ \t]*\n)/g;
const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;

/** Text, code and math, in order; joining the text and code segments' text gives back the non-math source. */
export function splitMath(source: string): MathSegment[] {
  const segments: MathSegment[] = [];
  let text = "";
  const push = (segment: MathSegment) => {
    if (text) segments.push({ kind: "text", text });
    text = "";
    segments.push(segment);
  };
  // Precomputed so that a degenerate output (thousands of $ or \( in one paragraph) stays linear.
  const breaks = Array.from(source.matchAll(PARAGRAPH_END), (m) => m.index);
  let nextBreak = 0;
  const paragraphEnd = (at: number) => {
    while (nextBreak < breaks.length && breaks[nextBreak]! < at) nextBreak++;
    return breaks[nextBreak] ?? source.length;
  };
  const lastCloser = { "(": source.lastIndexOf("\\)"), "[": source.lastIndexOf("\\]") };
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    const fenceEnd = i === 0 || source[i - 1] === "\n" ? fencedCodeEnd(source, i) : i;
    if (fenceEnd > i) {
      push({ kind: "code", text: source.slice(i, fenceEnd) });
      i = fenceEnd;
    } else if (ch === "`") {
      const run = runLength(source, i, "`");
      const close = findRun(source, i + run, paragraphEnd(i), "`", run);
      if (close < 0) text += source.slice(i, i + run);
      else push({ kind: "code", text: source.slice(i, close + run) });
      i = close < 0 ? i + run : close + run;
    } else if (ch === "\\" && (source[i + 1] === "(" || source[i + 1] === "[")) {
      const display = source[i + 1] === "[";
      const found = lastCloser[display ? "[" : "("] < i + 2 ? -1 : source.indexOf(display ? "\\]" : "\\)", i + 2);
      const close = found >= 0 && source.slice(i + 2, found).trim() ? found : -1;
      if (close < 0) text += source.slice(i, i + 2);
      else push({ kind: "math", tex: source.slice(i + 2, close), display });
      i = close < 0 ? i + 2 : close + 2;
    } else if (ch === "\\") {
      // An escaped character (\$ included) is text, never a delimiter.
      text += source.slice(i, i + 2);
      i += 2;
    } else if (ch === "$") {
      const found = dollarMath(source, i, paragraphEnd(i));
      if (found.math) push(found.math);
      else text += source.slice(i, found.end);
      i = found.end;
    } else {
      text += ch;
      i++;
    }
  }
  if (text) segments.push({ kind: "text", text });
  return segments;
}

/** The source for remark-math: math re-delimited with dollars, other dollars escaped, code untouched. */
export function toRemarkMath(source: string): string {
  const segments = splitMath(source);
  return segments
    .map((segment, k) => {
      if (segment.kind === "code") return segment.text;
      // The scanner kept escapes as pairs, so only a bare $ needs a backslash.
      if (segment.kind === "text") return segment.text.replace(/\\[\s\S]|\$/g, (m) => (m === "$" ? "\\$" : m));
      // remark-math ends math at the first $ whatever precedes it, so a dollar inside is spelt \char36.
      const tex = segment.tex.replace(/\\?\$/g, "{\\char36}");
      const before = segments[k - 1];
      const after = segments[k + 1];
      const indent = before === undefined ? "" : before.kind === "text" ? /(?:^|\n)([ \t]*)$/.exec(before.text)?.[1] : undefined;
      const ownLine = indent !== undefined && (after === undefined || (after.kind === "text" && /^[ \t]*(\n|$)/.test(after.text)));
      // Display math alone on its line becomes a $$ block; anywhere else math stays on one line, so
      // that none of its lines can start a list, a heading or an unclosed $$ block.
      if (segment.display && ownLine) return `$$\n${indent}${tex.trim()}\n${indent}$$`;
      const oneLine = tex.replace(/\s*\n\s*/g, " ");
      const gap = before?.kind === "math" ? " " : ""; // \(a\)\(b\) as $a$$b$ would read as one formula
      return segment.display ? `${gap}$$${oneLine}$$` : `${gap}$${oneLine}$`;
    })
    .join("");
}

/** Math opened by the $ or $$ at i, or where the literal dollars end. */
function dollarMath(source: string, i: number, limit: number): { math?: MathSegment; end: number } {
  const run = runLength(source, i, "$");
  if (run === 2) {
    const close = findRun(source, i + 2, limit, "$", 2);
    if (close > i + 2) return { math: { kind: "math", tex: source.slice(i + 2, close), display: true }, end: close + 2 };
  }
  if (run === 1) {
    const close = source.indexOf("$", i + 1);
    const tex = close > i + 1 && close < limit ? source.slice(i + 1, close) : "";
    const after = source[close + 1] ?? "";
    if (tex && /\S/.test(tex[0]!) && /\S/.test(tex.at(-1)!) && after !== "$" && !/\d/.test(after)) {
      return { math: { kind: "math", tex, display: false }, end: close + 1 };
    }
  }
  return { end: i + run };
}

/** The end of the fenced code block opening at line start i (to its closing fence or the end), or i. */
function fencedCodeEnd(source: string, i: number): number {
  const lineEnd = (from: number) => {
    const newline = source.indexOf("\n", from);
    return newline < 0 ? source.length : newline;
  };
  const open = FENCE_OPEN.exec(source.slice(i, lineEnd(i)));
  if (!open) return i;
  const fence = open[1]!;
  if (fence[0] === "`" && open[2]!.includes("`")) return i; // ```a``` on one line is a code span
  const close = new RegExp(`^[ \\t]*${fence[0] === "`" ? "`" : "~"}{${fence.length},}[ \\t]*$`);
  let start = lineEnd(i) + 1;
  while (start <= source.length) {
    const end = lineEnd(start);
    if (close.test(source.slice(start, end))) return end;
    start = end + 1;
  }
  return source.length;
}

function runLength(source: string, i: number, ch: string): number {
  let n = 0;
  while (source[i + n] === ch) n++;
  return n;
}

/** The start of the next run of exactly `length` `ch` in [from, limit), or -1. */
function findRun(source: string, from: number, limit: number, ch: string, length: number): number {
  let j = source.indexOf(ch, from);
  while (j >= 0 && j < limit) {
    const run = runLength(source, j, ch);
    if (run === length) return j;
    j = source.indexOf(ch, j + run);
  }
  return -1;
}
