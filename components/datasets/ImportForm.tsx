"use client";
// Import trajectories from a file on the user's machine: the browser reads it and uploads its
// content (the server never opens a path it is given). Same procedure as `npx distillery import`.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc";
import { isName, NAME_RULE } from "@/server/names";

/** Mirrors IMPORT_MAX_CHARS on the server (server/runs/import-trajectories.ts), checked here to fail early. */
const MAX_BYTES = 32 * 1024 * 1024;

export function ImportForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [run, setRun] = useState("");
  const [error, setError] = useState<string | null>(null);
  const upload = useMutation(
    trpc.datasets.import.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.runs.list.queryKey() }) }),
  );

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return setError("choose a file");
    if (file.size > MAX_BYTES) return setError(`the file is larger than ${MAX_BYTES / 1024 / 1024} MB`);
    if (run && !isName(run)) return setError(`run: ${NAME_RULE}`);
    setError(null);
    upload.mutate({ content: await file.text(), fileName: file.name, run: run || undefined });
  }

  return (
    <form className="panel" onSubmit={submit} aria-label="Import trajectories">
      <label>
        File (OpenAI chat JSONL, the paper&apos;s logs, or an export){" "}
        <input type="file" accept=".jsonl,.json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <label>
        Run name (optional) <input value={run} onChange={(e) => setRun(e.target.value)} placeholder="import-<file name>" />
      </label>
      <button type="submit" disabled={upload.isPending}>
        {upload.isPending ? "Importing…" : "Import"}
      </button>
      {(error ?? upload.error?.message) && <p className="error">{error ?? upload.error?.message}</p>}
      {upload.data && (
        <p>
          Imported {upload.data.added} of {upload.data.records} trajectories into run{" "}
          <Link href={`/runs/${encodeURIComponent(upload.data.run)}`}>{upload.data.run}</Link>
        </p>
      )}
    </form>
  );
}
