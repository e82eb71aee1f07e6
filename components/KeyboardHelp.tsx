"use client";
// "?" anywhere: the keyboard shortcuts of the workbench in one dialog (Esc or ? closes it). The
// keys themselves live with the views that own them (useShortcuts); this is their one list.
import { useState } from "react";
import { useShortcuts } from "./trace/useShortcuts";

export const SHORTCUTS: [keys: string, what: string][] = [
  ["j / k", "next / previous step of a trajectory"],
  ["a", "accept the trajectory"],
  ["r", "reject: open the reasons"],
  ["1–9", "while rejecting: reject with that reason at once"],
  ["Esc", "close the reasons (or this help)"],
  ["u", "undo: your newest verdict here (in the annotate queue: your last verdict of this session)"],
  ["n / p", "annotate queue: next / previous trajectory under the filter"],
  ["s", "review queue: skip this item for now"],
  ["?", "show or hide this help"],
];

export function KeyboardHelp() {
  const [open, setOpen] = useState(false);
  useShortcuts({ "?": () => setOpen((o) => !o), ...(open ? { Escape: () => setOpen(false) } : {}) }, true);
  if (!open) return null;
  return (
    <div className="keyboard-help" role="dialog" aria-label="Keyboard shortcuts" aria-modal="false">
      <h2>Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => setOpen(false)}>
        Close
      </button>
    </div>
  );
}
