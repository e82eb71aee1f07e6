// Prompts live in ./prompts/*.md so they can be read and edited as text; {{name}} fills a slot.
import fs from "node:fs";
import { repoPath } from "@/server/worker/root";

export type PromptName = "teacher" | "student" | "cot" | "cot-rag" | "force-final";

const cache = new Map<PromptName, string>();

export function prompt(name: PromptName, slots: Record<string, string | number> = {}): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = fs.readFileSync(repoPath("server", "agent", "prompts", `${name}.md`), "utf8").trim();
    cache.set(name, text);
  }
  return text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => (key in slots ? String(slots[key]) : whole));
}
