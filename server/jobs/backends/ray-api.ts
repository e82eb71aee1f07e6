// A small client for the Ray Jobs REST API served by a Ray cluster's dashboard (default port
// 8265). Checked against ray 2.58 (ray/dashboard/modules/job/job_head.py, common.py,
// pydantic_models.py). Every failure becomes one message naming the address and what to check.
import http from "node:http";
import https from "node:https";
import { summariseRemoteError } from "@/server/endpoints/redact";
import { JobBackendError } from "./types";

export type RayJobStatus = "PENDING" | "RUNNING" | "STOPPED" | "SUCCEEDED" | "FAILED";

/** GET /api/jobs/{id}: pydantic `JobDetails` (fields we read; Ray sends more). */
export type RayJobDetails = {
  type: "SUBMISSION" | "DRIVER";
  job_id: string | null;
  submission_id: string | null;
  status: RayJobStatus;
  entrypoint: string;
  message: string | null;
  error_type: string | null;
  start_time: number | null;
  end_time: number | null;
  metadata: Record<string, string> | null;
  runtime_env: Record<string, unknown> | null;
  driver_exit_code: number | null;
};

/** A runtime env as Ray takes it (working_dir, py_modules, pip, uv, env_vars, ...), passed through. */
export type RayRuntimeEnv = { env_vars?: Record<string, string> } & Record<string, unknown>;

/** POST /api/jobs/: `JobSubmitRequest` (common.py). */
export type RaySubmitRequest = {
  entrypoint: string;
  submission_id?: string;
  runtime_env?: RayRuntimeEnv;
  metadata?: Record<string, string>;
  entrypoint_num_cpus?: number;
  entrypoint_num_gpus?: number;
  entrypoint_memory?: number;
  entrypoint_resources?: Record<string, number>;
};

/** Nothing answered at the address, or it did not answer in time. */
export class RayUnreachableError extends JobBackendError {}

/** The cluster answered with an error status (404: no such job; 400: a bad request). */
export class RayHttpError extends JobBackendError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const DASHBOARD_HINT = "the Ray dashboard address, like http://127.0.0.1:8265";
const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/** `host:port` or `http(s)://host:port[/]` → `http(s)://host:port`. */
export function normalizeRayAddress(address: string): string {
  const trimmed = address.trim().replace(/\/+$/, "");
  if (!trimmed) throw new JobBackendError(`the Ray address is empty; give ${DASHBOARD_HINT}`);
  if (/^ray:\/\//.test(trimmed)) {
    throw new JobBackendError(`${address} is a Ray Client address; the Jobs API needs ${DASHBOARD_HINT} (dashboard port, default 8265)`);
  }
  const withScheme = /^https?:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
  try {
    const url = new URL(withScheme);
    return url.origin + url.pathname.replace(/\/+$/, "");
  } catch {
    throw new JobBackendError(`${address} is not a valid Ray address; give ${DASHBOARD_HINT}`);
  }
}

export type RayJobsClientOptions = {
  /** Per request. Submitting can take longer while the cluster starts its job agent. */
  timeoutMs?: number;
  /** Extra headers on every request (e.g. an auth token for a managed cluster). */
  headers?: Record<string, string>;
};

export class RayJobsClient {
  readonly address: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;

  constructor(address: string, options: RayJobsClientOptions = {}) {
    this.address = normalizeRayAddress(address);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.headers = options.headers ?? {};
  }

  /** GET /api/version: also how we check that the address is a Ray dashboard at all. */
  async version(): Promise<{ version: string; ray_version: string }> {
    const body = await this.request<{ version?: string; ray_version?: string }>("GET", "/api/version");
    if (typeof body.ray_version !== "string" || typeof body.version !== "string") {
      throw new JobBackendError(`${this.address} answered, but it is not a Ray dashboard; give ${DASHBOARD_HINT}`);
    }
    return { version: body.version, ray_version: body.ray_version };
  }

  async submit(request: RaySubmitRequest): Promise<{ submission_id: string }> {
    return this.request("POST", "/api/jobs/", request, Math.max(this.timeoutMs, 60_000));
  }

  async details(id: string): Promise<RayJobDetails> {
    return this.request("GET", `/api/jobs/${encodeURIComponent(id)}`);
  }

  /** Every job the cluster knows, submitted ones and plain drivers alike. */
  async list(): Promise<RayJobDetails[]> {
    return this.request("GET", "/api/jobs/");
  }

  /** The whole log (stdout and stderr merged) so far; empty until the job's driver starts. */
  async logs(id: string): Promise<string> {
    const body = await this.request<{ logs: string }>("GET", `/api/jobs/${encodeURIComponent(id)}/logs`);
    return body.logs ?? "";
  }

  /** True if a stop was sent, false if the job had already ended. */
  async stop(id: string): Promise<boolean> {
    const body = await this.request<{ stopped: boolean }>("POST", `/api/jobs/${encodeURIComponent(id)}/stop`);
    return body.stopped;
  }

  /** Whether the cluster holds a package (GET also pins it for a while, as Ray's SDK relies on). */
  async hasPackage(name: string): Promise<boolean> {
    try {
      await this.request("GET", `/api/packages/gcs/${encodeURIComponent(name)}`, undefined, this.timeoutMs, false);
      return true;
    } catch (err) {
      if (err instanceof RayHttpError && err.status === 404) return false;
      throw err;
    }
  }

  /** Store a zip in the cluster's GCS; a runtime env then names it as `gcs://NAME`. */
  async uploadPackage(name: string, bytes: Buffer): Promise<void> {
    const path = `/api/packages/gcs/${encodeURIComponent(name)}`;
    await this.request("PUT", path, bytes, Math.max(this.timeoutMs, 300_000), false);
  }

  /** Forget an ended job (its info and logs). */
  async delete(id: string): Promise<boolean> {
    const body = await this.request<{ deleted: boolean }>("DELETE", `/api/jobs/${encodeURIComponent(id)}`);
    return body.deleted;
  }

  private async request<T>(method: string, path: string, body?: unknown, timeoutMs = this.timeoutMs, json = true): Promise<T> {
    let response: { status: number; text: string };
    try {
      response = await send(`${this.address}${path}`, method, this.headers, body, timeoutMs);
    } catch (err) {
      throw this.unreachable(err, timeoutMs);
    }
    const { status, text } = response;
    if (status < 200 || status >= 300) throw new RayHttpError(this.httpMessage(method, path, status, text), status);
    if (!json) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new JobBackendError(`${this.address} answered ${method} ${path} with something other than JSON; is it ${DASHBOARD_HINT}?`);
    }
  }

  private unreachable(err: unknown, timeoutMs: number): RayUnreachableError {
    if ((err as Error).name === "TimeoutError") {
      return new RayUnreachableError(
        `the Ray cluster at ${this.address} did not answer within ${seconds(timeoutMs)}; is it overloaded, or is this not ${DASHBOARD_HINT}?`,
      );
    }
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return new RayUnreachableError(
      `cannot reach the Ray cluster at ${this.address} (${reason}); start one (\`ray start --head\`) or give ${DASHBOARD_HINT}`,
    );
  }

  private httpMessage(method: string, path: string, status: number, text: string): string {
    // Ray answers errors with plain text: a sentence ("Job x does not exist") or a Python traceback,
    // whose last line says what went wrong.
    const reason = summariseRemoteError(text.trim().split("\n").filter(Boolean).pop() ?? "", 300) || `HTTP ${status}`;
    if (status === 404 && !/^(Job|Package) /.test(text.trim())) {
      return `${this.address} has no ${method} ${path} (HTTP 404); is it ${DASHBOARD_HINT}?`;
    }
    return `Ray cluster at ${this.address}: ${reason}`;
  }
}

/**
 * One HTTP request with an overall deadline. node:http rather than fetch: fetch always sends
 * `Sec-Fetch-Mode`, and Ray's dashboard refuses POSTs that look like browser traffic (CSRF guard).
 */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: unknown,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const payload = body === undefined || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = (target.protocol === "https:" ? https : http).request(
      target,
      {
        method,
        headers: {
          "user-agent": "distillery",
          ...(payload === undefined ? {} : { "content-type": Buffer.isBuffer(payload) ? "application/zip" : "application/json" }),
          ...headers,
        },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
        response.on("error", reject);
      },
    );
    const timer = setTimeout(() => {
      const error = new Error(`no answer within ${timeoutMs} ms`);
      error.name = "TimeoutError";
      request.destroy(error);
    }, timeoutMs);
    request.on("error", reject);
    request.on("close", () => clearTimeout(timer));
    request.end(payload);
  });
}
