// Verdicts and reject reasons: plain constants, shared by the server and the browser.
export const VERDICTS = ["accept", "reject"] as const;
export const REJECT_REASONS = ["wrong_answer", "hallucinated_retrieval", "lucky_guess", "bad_code", "other"] as const;
export type Verdict = (typeof VERDICTS)[number];
export type RejectReason = (typeof REJECT_REASONS)[number];

export const REASON_LABELS: Record<RejectReason, string> = {
  wrong_answer: "Wrong answer",
  hallucinated_retrieval: "Hallucinated retrieval",
  lucky_guess: "Lucky guess",
  bad_code: "Bad code",
  other: "Other",
};
