// The workbench's tRPC API over HTTP from a test (superjson's { json } envelope); fails the test on
// an error reply.
import { expect, type APIRequestContext } from "@playwright/test";

export async function trpc(request: APIRequestContext, route: string, input: unknown, method: "GET" | "POST" = "GET") {
  const res =
    method === "POST"
      ? await request.post(`/api/trpc/${route}`, { data: { json: input } })
      : await request.get(`/api/trpc/${route}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(res.ok(), `${route}: ${await res.text()}`).toBeTruthy();
  return ((await res.json()) as { result: { data: { json: unknown } } }).result.data.json;
}

/** Generate a run through the API and wait until its job has succeeded. */
export async function generateRun(request: APIRequestContext, config: Record<string, unknown>) {
  const { jobId } = (await trpc(request, "runs.generate", { benchmark: "gsm_hard", ...config }, "POST")) as { jobId: number };
  await expect
    .poll(async () => ((await trpc(request, "jobs.get", { id: jobId })) as { status: string }).status, { timeout: 90_000 })
    .toBe("succeeded");
}
