import { Suspense } from "react";
import { CompareWorkbench } from "@/components/compare/CompareWorkbench";

export const metadata = { title: "Compare runs · Distillery" };

export default function ComparePage() {
  // The selection is read from the URL on the client (useSearchParams), hence the boundary.
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <CompareWorkbench />
    </Suspense>
  );
}
