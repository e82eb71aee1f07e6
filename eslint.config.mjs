import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// Layering (docs/ARCHITECTURE.md, "Layering"). server/jobs/ is the generic queue, runner and
// backends: it must not import a feature; features are plugged in by server/wiring/job-handlers.ts.
const FEATURES =
  "agent|annotations|auth|benchmarks|cli|client|compare|datasets|experiments|llm|models|runs|scoring|tools|training|trajectories|trpc|wiring";
const JOBS_IMPORT_FEATURE = `^(@/server/|(\\.\\./)+)(${FEATURES})(/|$)`;

// What opens or queries the database. Code that runs in the browser must never import it: a client
// component that did would bundle a driver (or fail at build time) and blur who owns the database.
const DB_MODULE = /^(@\/db(\/|$)|(\.\.\/)+db(\/|$)|@\/server\/runtime\/db$|drizzle-orm|@electric-sql\/pglite|postgres$|pg$)/;

/** A file is client code when it lives in components/ or starts with the "use client" directive. */
function isClientFile(context, program) {
  const file = context.filename.replaceAll("\\", "/");
  const inComponents = file.includes("/components/") || file.startsWith("components/");
  const directive = program.body.some((node) => node.type === "ExpressionStatement" && node.directive === "use client");
  return inComponents || directive;
}

const noDbInClient = {
  meta: {
    type: "problem",
    schema: [],
    messages: {
      db: "Client code must not import the database module '{{source}}': fetch the data through tRPC (server/trpc/) instead.",
    },
  },
  create(context) {
    let client = false;
    const check = (node, source, typeOnly) => {
      if (!client || typeOnly || typeof source !== "string" || !DB_MODULE.test(source)) return;
      context.report({ node, messageId: "db", data: { source } });
    };
    return {
      Program(program) {
        client = isClientFile(context, program);
      },
      ImportDeclaration(node) {
        check(node, node.source.value, node.importKind === "type");
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value, node.exportKind === "type");
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, node.exportKind === "type");
      },
      ImportExpression(node) {
        if (node.source.type === "Literal") check(node, node.source.value, false);
      },
    };
  },
};

export default tseslint.config(
  { ignores: ["node_modules/**", ".next/**", ".venv/**", "worker/**", "next-env.d.ts", "test-results/**", "bench/results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks, distillery: { rules: { "no-db-in-client": noDbInClient } } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "distillery/no-db-in-client": "error",
    },
  },
  {
    // Tests may wire features together (a queue test drives jobs through the tRPC router).
    files: ["server/jobs/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: JOBS_IMPORT_FEATURE,
              message: "server/jobs/ imports no feature: wire feature code in server/wiring/job-handlers.ts instead.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.{js,mjs}"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
