// Static Python highlighting for every step that is not focused: a single regex pass into
// spans, cheap enough for hundreds of blocks (the focused step gets the Monaco editor).
import type { ReactNode } from "react";

const KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);
const BUILTINS = new Set(
  "print len range int float str list dict set tuple sum min max abs sorted round enumerate zip map filter final_answer web_search".split(
    " ",
  ),
);

const TOKEN =
  /(#[^\n]*)|("""[\s\S]*?"""|'''[\s\S]*?'''|[rbfu]{0,2}"(?:\\.|[^"\\\n])*"|[rbfu]{0,2}'(?:\\.|[^'\\\n])*')|(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b)|([A-Za-z_]\w*)/gi;

export function highlightPython(code: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let key = 0;
  for (const m of code.matchAll(TOKEN)) {
    const cls = m[1]
      ? "tok-comment"
      : m[2]
        ? "tok-string"
        : m[3]
          ? "tok-number"
          : KEYWORDS.has(m[0])
            ? "tok-keyword"
            : BUILTINS.has(m[0])
              ? "tok-builtin"
              : null;
    if (!cls) continue;
    if (m.index > last) out.push(code.slice(last, m.index));
    out.push(
      <span key={key++} className={cls}>
        {m[0]}
      </span>,
    );
    last = m.index + m[0].length;
  }
  if (last < code.length) out.push(code.slice(last));
  return out;
}

export function CodeView({ code, label }: { code: string; label?: string }) {
  return (
    <pre className="code-view" aria-label={label}>
      <code>{highlightPython(code)}</code>
    </pre>
  );
}
