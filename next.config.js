/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "postgres"],
  poweredByHeader: false,
  typedRoutes: false,
  // The proxy (proxy.ts) buffers request bodies up to this size and silently truncates beyond it;
  // it must be at least the largest body limit in server/http/body.ts (PROXY_BUFFER_BYTES).
  experimental: { proxyClientMaxBodySize: 64 * 1024 * 1024 },
};

export default nextConfig;
