// How the HTTP boundary says no: a status and one short plain-text line, never anything the
// request sent that a browser could render as HTML.
export function refusal(status: number, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff", "cache-control": "no-store" },
  });
}
