// Whether a workbench answers at a URL: its /api/health within 3 s. Kept apart from api.ts so a
// script can ask without loading the API client and the server's router.
export async function workbenchResponds(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Polls until a workbench answers (true) or `timeoutMs` passes (false): one just started needs a moment. */
export async function waitForWorkbench(url: string, timeoutMs: number, pollMs = 500): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await workbenchResponds(url)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
