// Next.js proxy (formerly "middleware"): runs before every page and route on the Node runtime.
// It applies the HTTP boundary (server/http/guard.ts) in this one place; the tRPC route handler
// additionally measures the body while reading it (server/http/limited-body.ts).
import { NextResponse, type NextRequest } from "next/server";
import { guardRequest } from "@/server/http/guard";

export function proxy(request: NextRequest): Response {
  return guardRequest(request) ?? NextResponse.next();
}
