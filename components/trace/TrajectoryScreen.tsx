"use client";
// The trajectory page's client side: the trace viewer plus the verdict panel, with the
// Compare-FTP switch kept in the URL (?compare=ftp) so it survives reloads and can be shared.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import type { TrajectoryFilter } from "@/server/trajectories/filter-schema";
import { TraceViewer } from "./TraceViewer";
import { VerdictPanel } from "./VerdictPanel";

export function TrajectoryScreen({ id, full, filter, compare }: { id: number; full: boolean; filter: TrajectoryFilter; compare: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [rejecting, setRejecting] = useState(false);
  const setCompare = (on: boolean) => {
    const next = new URLSearchParams(params.toString());
    if (on) next.set("compare", "ftp");
    else next.delete("compare");
    router.replace(`${pathname}${next.size ? `?${next}` : ""}`, { scroll: false });
  };
  return (
    <TraceViewer key={id} id={id} full={full} filter={filter} compare={compare} onCompareChange={setCompare}>
      <VerdictPanel trajectoryId={id} rejecting={rejecting} setRejecting={setRejecting} />
    </TraceViewer>
  );
}
