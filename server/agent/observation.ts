// What the model sees after an action: the printed output, or the error, capped in length.
import type { ActionResult } from "@/server/tools/sandbox/session";
import type { ErrorKind } from "./types";

export const OBSERVATION_MAX_CHARS = 4_000;

/** Keep the head and the tail of a long text, saying how much was cut from the middle. */
export function truncate(text: string, max = OBSERVATION_MAX_CHARS): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.7);
  const tail = max - head;
  return `${text.slice(0, head)}\n… [${text.length - max} characters cut] …\n${text.slice(text.length - tail)}`;
}

export function errorKindOf(result: ActionResult): ErrorKind | null {
  if (result.ok) return null;
  return /timeout|time limit/i.test(`${result.error?.type} ${result.error?.message}`) ? "timeout" : "exec";
}

export function errorTextOf(result: ActionResult): string {
  const error = result.error;
  if (!error) return "";
  return `${error.type}: ${error.message}`;
}

export function executionObservation(result: ActionResult, max = OBSERVATION_MAX_CHARS): string {
  const parts: string[] = [];
  if (result.stdout) parts.push(result.stdout.trimEnd());
  if (!result.ok) {
    parts.push(`Error: ${errorTextOf(result)}\nFix the code and try again; do not repeat the same mistake.`);
  } else if (finalAnswerText(result) !== null) {
    parts.push(`Final answer: ${finalAnswerText(result)}`);
  } else if (!result.stdout) {
    parts.push(
      result.value_repr && result.value_repr !== "None"
        ? `(no output; the last expression was ${result.value_repr})`
        : result.assigned
          ? `(no output; the last line set ${result.assigned}. Print what you need to see.)`
          : "(no output: print what you need to see)",
    );
  }
  return truncate(`Observation:\n${parts.join("\n")}`, max);
}

export function parseErrorObservation(error: string): string {
  return `Error: your reply could not be parsed. ${error}`;
}

export function finalAnswerText(result: ActionResult): string | null {
  if (!result.ok || result.final_answer === undefined) return null;
  const value = result.final_answer;
  return typeof value === "string" ? value : JSON.stringify(value);
}
