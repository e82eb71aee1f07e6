// A form field: its label, the control, and the schema's error for it (the Jobs page's forms).
import type { ReactNode } from "react";

export function Labelled({ label, error, children }: { label: string; error?: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      {error && <small className="error">{error}</small>}
    </label>
  );
}
