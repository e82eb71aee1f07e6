// Where a launched job runs, as both launch forms (train, distill) ask it: here, or on a Ray
// cluster at an address (a configured endpoint's name or the dashboard URL).
import type { FieldErrors } from "@/components/forms/field-errors";
import { Labelled } from "@/components/forms/Labelled";

export type Backend = "local" | "ray";
type Choice = { backend: Backend; rayAddress: string };

export function BackendFields({
  value,
  errors,
  onChange,
}: {
  value: Choice;
  errors: FieldErrors;
  onChange: (change: Partial<Choice>) => void;
}) {
  return (
    <>
      <Labelled label="Backend" error={errors.backend}>
        <select value={value.backend} onChange={(e) => onChange({ backend: e.target.value as Backend })}>
          <option value="local">local</option>
          <option value="ray">ray</option>
        </select>
      </Labelled>
      {value.backend === "ray" && (
        <Labelled label="Ray address" error={errors.rayAddress}>
          <input
            value={value.rayAddress}
            placeholder="endpoint name or http://127.0.0.1:8265"
            onChange={(e) => onChange({ rayAddress: e.target.value })}
            aria-invalid={!!errors.rayAddress}
          />
        </Labelled>
      )}
    </>
  );
}

/** What the schemas cannot say on their own (the server checks it too: checkBackendChoice). */
export function backendErrors(input: { backend?: Backend; rayAddress?: string }): FieldErrors {
  return input.backend === "ray" && !input.rayAddress ? { rayAddress: "is required with backend ray" } : {};
}
