"use client";
// The job's log tail, monospace, kept scrolled to the bottom unless the reader scrolled up.
import { useEffect, useRef } from "react";

export function LogTail({ text }: { text: string }) {
  const ref = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <pre
      ref={ref}
      className="log-tail"
      aria-label="Log tail"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {text || "(no output yet)"}
    </pre>
  );
}
