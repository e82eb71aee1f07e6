// Rendering tests of Markdown (thoughts) and MathText (one-line strings), as static markup.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MathText } from "./MathText";
import { Markdown } from "./trace/Markdown";

const markdown = (source: string) => renderToStaticMarkup(createElement(Markdown, { source }));
const mathText = (text: string) => renderToStaticMarkup(createElement(MathText, { text }));

describe("Markdown", () => {
  it("renders $x^2$ and \\[…\\] with KaTeX", () => {
    expect(markdown("so $x^2$ grows")).toMatch(/<p>so <span class="katex">.*<\/span> grows<\/p>/);
    expect(markdown("So:\n\\[\nx = 1\n\\]\nthus")).toContain('<span class="katex-display">');
  });

  it("renders headings as emphasised paragraphs, lists as lists", () => {
    const html = markdown("# Plan\nFirst step\n\n- a\n- b");
    expect(html).toContain('<p class="md-h md-h1">Plan</p>');
    expect(html).toContain("<ul>\n<li>a</li>\n<li>b</li>\n</ul>");
  });

  it("leaves dollar amounts as text", () => {
    const html = markdown("It costs $5 and $10.");
    expect(html).toBe('<div class="markdown"><p>It costs $5 and $10.</p></div>');
  });

  it("escapes HTML in model text: <script> never becomes an element", () => {
    const html = markdown('<script>alert(1)</script>\n\nhi <img src=x onerror="alert(1)"> $x$');
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("keeps fenced code in CodeView and inline code as code, with no math inside", () => {
    const html = markdown("Run `$x$`:\n```py\nprint('$y$')\n```");
    expect(html).toContain("<code>$x$</code>");
    expect(html).toContain(
      '<pre class="code-view"><code><span class="tok-builtin">print</span>(<span class="tok-string">&#x27;$y$&#x27;</span>)</code></pre>',
    );
    expect(html).not.toContain("katex");
  });

  it("drops unsafe links and turns images into links", () => {
    const html = markdown("[a](javascript:alert(1)) [b](https://example.org) ![c](https://example.org/c.png)");
    expect(html).not.toContain("javascript:");
    expect(html).toContain('<a href="https://example.org" rel="noopener noreferrer nofollow" target="_blank">b</a>');
    expect(html).toContain('<a href="https://example.org/c.png" rel="noopener noreferrer nofollow" target="_blank">c</a>');
  });

  it("shows bad LaTeX as an error in place instead of throwing", () => {
    expect(markdown("$\\frac{1$ and $\\href{javascript:alert(1)}{x}$")).toContain('class="katex-error"');
    expect(markdown("$\\href{javascript:alert(1)}{x}$")).not.toContain("href=");
  });
});

describe("MathText", () => {
  it("renders inline math and nothing else", () => {
    const html = mathText("Find *x* if \\(x^2 = 4\\) and $y$, # not a heading");
    expect(html).toMatch(/^<span>Find \*x\* if <span class="katex">.*<\/span>, # not a heading<\/span>$/);
    expect(html.match(/class="katex"/g)).toHaveLength(2);
  });

  it("leaves plain text and dollar amounts alone, HTML escaped", () => {
    expect(mathText("It costs $5 and $10 <b>x</b>")).toBe("It costs $5 and $10 &lt;b&gt;x&lt;/b&gt;");
    expect(mathText("$x$ <script>alert(1)</script>")).not.toContain("<script");
  });
});
