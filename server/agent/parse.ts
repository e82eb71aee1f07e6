// Turns a model's raw turn into a Thought and Python code. Small models emit code in many shapes
// — fenced blocks tagged py/python or untagged, <code> tags, several blocks, or bare code — so
// the parser accepts all of them, and when it fails it says exactly what was wrong so the model
// can fix its next turn.

export type ParsedAction =
  { ok: true; thought: string; code: string; callsFinalAnswer: boolean } | { ok: false; thought: string; error: string };

const FENCE = /```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n([\s\S]*?)```/g;
const CODE_TAG = /<code>([\s\S]*?)<\/code>/gi;
const NON_PYTHON_TAGS = new Set(["text", "txt", "json", "output", "markdown", "md", "bash", "sh", "shell", "console"]);

/** Lines that only a program would contain; prose never matches all of them at once. */
const CODE_LINE =
  /^(\s*#.*|\s+.*|(import|from)\s+\w.*|(print|final_answer|web_search)\s*\(.*|(def|class|for|while|if|elif|else|try|except|finally|with|return|raise|pass|break|continue)\b.*|[A-Za-z_][\w.]*(\[[^\]]*\])?\s*([+\-*/%]?=)(?!=).*|[A-Za-z_][\w.]*\(.*\)\s*|\)|\]|\})$/;

export const FORMAT_HINT =
  'Reply with "Thought:" followed by your reasoning, then one Python block:\n```py\n# code\n```<end_code>\n' +
  "Call final_answer(answer) in code when you know the answer.";

// Small models copy the hint's `# code` placeholder verbatim. Run as code it does nothing and
// succeeds, so a loop of such turns would count as error-free steps (and, under SAG, as candidates
// that all agree); it is a turn without an action, so it is a parse error.
const COMMENTS_ONLY =
  "The code block holds only comments, so it does nothing. Replace the `# code` placeholder with the " +
  "Python statements for this step. " +
  FORMAT_HINT;

function onlyComments(code: string): boolean {
  return code.split("\n").every((line) => !line.trim() || line.trim().startsWith("#"));
}

export function parseAction(raw: string): ParsedAction {
  const text = raw.replace(/<end_code>/g, "").replace(/\r\n/g, "\n");
  const blocks: string[] = [];
  let firstBlockAt = -1;

  for (const match of text.matchAll(FENCE)) {
    const tag = (match[1] ?? "").toLowerCase();
    if (NON_PYTHON_TAGS.has(tag)) continue;
    if (firstBlockAt < 0) firstBlockAt = match.index ?? 0;
    blocks.push(match[2] ?? "");
  }
  if (blocks.length === 0) {
    for (const match of text.matchAll(CODE_TAG)) {
      if (firstBlockAt < 0) firstBlockAt = match.index ?? 0;
      blocks.push(match[1] ?? "");
    }
  }

  if (blocks.length > 0) {
    const thought = cleanThought(text.slice(0, firstBlockAt));
    const code = blocks
      .map((b) => dedent(b).trim())
      .filter(Boolean)
      .join("\n\n");
    if (!code) return { ok: false, thought, error: "The code block is empty. " + FORMAT_HINT };
    if (onlyComments(code)) return { ok: false, thought, error: COMMENTS_ONLY };
    return { ok: true, thought, code, callsFinalAnswer: /\bfinal_answer\s*\(/.test(code) };
  }

  const openFence = text.indexOf("```");
  if (openFence >= 0) {
    return {
      ok: false,
      thought: cleanThought(text.slice(0, openFence)),
      error: "The code block was opened with ``` but never closed. " + FORMAT_HINT,
    };
  }

  const bare = bareCode(text);
  if (bare) return { ok: true, thought: bare.thought, code: bare.code, callsFinalAnswer: /\bfinal_answer\s*\(/.test(bare.code) };

  return { ok: false, thought: cleanThought(text), error: "No Python code was found in your reply. " + FORMAT_HINT };
}

/** "Code:" followed by unfenced code, or a reply whose trailing lines are all code. */
function bareCode(text: string): { thought: string; code: string } | null {
  const label = /^\s*Code:\s*$/m.exec(text);
  if (label) {
    const code = text.slice(label.index + label[0].length).trim();
    if (code && code.split("\n").every((l) => !l.trim() || CODE_LINE.test(l))) {
      return { thought: cleanThought(text.slice(0, label.index)), code };
    }
  }
  const lines = text.split("\n");
  let start = lines.length;
  while (start > 0 && (!lines[start - 1]!.trim() || CODE_LINE.test(lines[start - 1]!))) start--;
  const code = lines.slice(start).join("\n").trim();
  if (!code || !/\b(print|final_answer|web_search)\s*\(/.test(code)) return null;
  if (/^thought:/i.test(code)) return null;
  return { thought: cleanThought(lines.slice(0, start).join("\n")), code };
}

function cleanThought(text: string): string {
  return text
    .replace(/^\s*Thought:\s*/i, "")
    .replace(/\n\s*Code:\s*$/i, "")
    .trim();
}

function dedent(code: string): string {
  const lines = code.split("\n");
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const min = indents.length ? Math.min(...indents) : 0;
  return min ? lines.map((l) => l.slice(min)).join("\n") : code;
}
