// The Monaco editor worker (diff computation, tokenisation off the main thread), bundled
// from node_modules by Next itself — no CDN.
import "monaco-editor/editor/editor.worker";
