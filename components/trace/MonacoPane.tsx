"use client";
// The one Monaco editor of the trace viewer (read-only, Python). It shows the focused step's
// code (shaded by the teacher's per-token disagreement when a distillation round scored it), or a
// diff of a candidate against the chosen candidate. Monaco is loaded lazily in the
// browser only, from the bundle; switching steps swaps the model instead of making an editor.
import { useEffect, useRef, useState } from "react";
import type * as Monaco from "monaco-editor/editor/editor.api";
import type { ScoredToken } from "@/server/distill/scores";
import { describeToken, shade } from "./disagreement";

export type MonacoContent =
  | { kind: "code"; value: string; label: string; tokens?: ScoredToken[] }
  | { kind: "diff"; original: string; modified: string; label: string };

type MonacoApi = typeof Monaco;
let loading: Promise<MonacoApi> | null = null;

function loadMonaco(): Promise<MonacoApi> {
  loading ??= (async () => {
    (self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
      getWorker: () => new Worker(new URL("./monaco.worker.ts", import.meta.url), { type: "module" }),
    };
    const monaco = await import("monaco-editor/editor/editor.api");
    await import("monaco-editor/languages/definitions/python/register");
    return monaco;
  })();
  return loading;
}

const OPTIONS = {
  readOnly: true,
  domReadOnly: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  automaticLayout: true,
  fontSize: 13,
  lineNumbersMinChars: 3,
  wordWrap: "on" as const,
};

export function MonacoPane({ content }: { content: MonacoContent }) {
  const host = useRef<HTMLDivElement>(null);
  const [monaco, setMonaco] = useState<MonacoApi | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const editor = useRef<{ kind: MonacoContent["kind"]; instance: Monaco.editor.IEditor; models: Monaco.editor.ITextModel[] } | null>(null);

  useEffect(() => {
    let live = true;
    loadMonaco().then(
      (m) => live && setMonaco(m),
      (err: Error) => live && setFailure(err.message),
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (!monaco || !host.current) return;
    // Reuse the editor while the kind stays the same; only a code↔diff switch replaces it.
    if (editor.current && editor.current.kind !== content.kind) {
      disposeEditor(editor.current);
      editor.current = null;
    }
    const old = editor.current?.models ?? [];
    if (content.kind === "code") {
      const model = monaco.editor.createModel(content.value, "python");
      if (content.tokens?.length) model.deltaDecorations([], disagreementDecorations(model, content.tokens));
      if (!editor.current) {
        const instance = monaco.editor.create(host.current, { ...OPTIONS, model, ariaLabel: content.label });
        editor.current = { kind: "code", instance, models: [model] };
      } else {
        (editor.current.instance as Monaco.editor.IStandaloneCodeEditor).setModel(model);
        editor.current.models = [model];
      }
    } else {
      const original = monaco.editor.createModel(content.original, "python");
      const modified = monaco.editor.createModel(content.modified, "python");
      if (!editor.current) {
        const instance = monaco.editor.createDiffEditor(host.current, { ...OPTIONS, renderSideBySide: false, ariaLabel: content.label });
        editor.current = { kind: "diff", instance, models: [] };
      }
      (editor.current.instance as Monaco.editor.IStandaloneDiffEditor).setModel({ original, modified });
      editor.current.models = [original, modified];
    }
    for (const m of old) m.dispose();
  }, [monaco, content]);

  useEffect(
    () => () => {
      if (editor.current) disposeEditor(editor.current);
      editor.current = null;
    },
    [],
  );

  return (
    <div className="monaco-pane" data-ready={monaco ? "true" : "false"} data-kind={content.kind} aria-label={content.label}>
      {failure && <p className="error">Editor unavailable: {failure}</p>}
      {!monaco && !failure && <p className="muted">Loading editor…</p>}
      <div ref={host} className="monaco-host" />
    </div>
  );
}

/** Every scored token hovers with the teacher's view of it; those the teacher disputes are shaded. */
function disagreementDecorations(model: Monaco.editor.ITextModel, tokens: ScoredToken[]): Monaco.editor.IModelDeltaDecoration[] {
  return tokens.map((token) => {
    const from = model.getPositionAt(token.start);
    const to = model.getPositionAt(token.end);
    const level = shade(token.disagreement);
    return {
      range: { startLineNumber: from.lineNumber, startColumn: from.column, endLineNumber: to.lineNumber, endColumn: to.column },
      options: {
        ...(level ? { inlineClassName: `kl-${level}` } : {}),
        hoverMessage: { value: describeToken(token).replace("\n", "\n\n") },
      },
    };
  });
}

function disposeEditor(e: { instance: Monaco.editor.IEditor; models: Monaco.editor.ITextModel[] }) {
  e.instance.dispose();
  for (const m of e.models) m.dispose();
}
