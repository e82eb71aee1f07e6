// Which security mode the workbench runs in. The single-user default serves 127.0.0.1 with no
// accounts (the Host/Origin checks keep other web pages out); team mode has accounts, roles and
// personal API tokens, and is what any other bind address requires. Team mode is on exactly when
// auth is configured: DISTILLERY_AUTH_SECRET (the session-signing secret) is set.
export type ServerMode = "single-user" | "team";

export function serverMode(env: NodeJS.ProcessEnv = process.env): ServerMode {
  return env.DISTILLERY_AUTH_SECRET ? "team" : "single-user";
}
