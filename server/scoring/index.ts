// Scoring answers: QA by normalised EM/F1 (and optionally an LLM judge), math by equivalence in
// the long-lived Python grader.
export { judgeAnswer, parseVerdict, renderJudgePrompt, type JudgeResult, type JudgeVerdict } from "./judge";
export { gradeMath, MathGrader, mathGrader, type MathGrade } from "./math";
export { normalizeAnswer, scoreQa, type QaScore } from "./qa";
