// The HTTP boundary, applied to every request by the proxy (proxy.ts at the repository root):
// the Host must be one we answer to, a mutation must come from our own origin (or from a
// non-browser client), and a tRPC request must be JSON within the batch and size limits.
import type { Env } from "@/server/runtime/mode";
import { maxBatchCalls, maxBodyBytes, maxUploadBytes } from "./body";
import { hostPolicy, isAllowedHost, parseHost, type HostPolicy } from "./host";
import { crossOriginProblem, isMutation } from "./origin";
import { refusal } from "./refusal";
import { isTrpcPath, trpcRequestProblem, type TrpcLimits } from "./trpc-request";

export type HttpPolicy = TrpcLimits & { hosts: HostPolicy };

/** The boundary's settings from the environment (DISTILLERY_ALLOWED_HOSTS, HOST, body and batch limits). */
export function httpPolicy(env: Env = process.env): HttpPolicy {
  return {
    hosts: hostPolicy(env),
    maxBodyBytes: maxBodyBytes(env),
    maxUploadBytes: maxUploadBytes(env),
    maxBatchCalls: maxBatchCalls(env),
  };
}

/** The refusal for a request that must not reach any page or route, or null to let it through. */
export function guardRequest(request: Request, policy: HttpPolicy = httpPolicy()): Response | null {
  const host = parseHost(request.headers.get("host") ?? "");
  if (!host || !isAllowedHost(host, policy.hosts)) {
    return refusal(421, "this workbench does not answer to that host name (add it to DISTILLERY_ALLOWED_HOSTS to serve it)");
  }
  if (isMutation(request.method)) {
    const problem = crossOriginProblem(request.headers, host, policy.hosts);
    if (problem) return refusal(403, problem);
  }
  const url = new URL(request.url);
  if (isTrpcPath(url.pathname)) {
    const problem = trpcRequestProblem(request.method, url, request.headers, policy);
    if (problem) return refusal(problem.status, problem.message);
  }
  return null;
}
