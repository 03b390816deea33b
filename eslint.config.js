// Lint: correctness rules plus the architecture's import bans, each with its reason.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import { importX } from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

/** A core module reaches another only through its index.ts; `shared/` is open to all. */
function moduleBoundary(regex) {
  return { regex, message: "Import another core module through its index.ts (e.g. '../audit'), never its files: modules own their internals." };
}

const drizzleBans = [
  { name: "drizzle-orm", message: "Import Drizzle from @siyu/storage/orm so every package shares one copy." },
  { name: "drizzle-orm/pg-core", message: "Import from @siyu/storage/pg-core so every package shares one copy." },
];
const packageBans = [
  { group: ["@siyu/server", "@siyu/console", "**/apps/**"], message: "Packages never depend on apps: apps compose packages." },
  { group: ["@siyu/*/src/*", "**/packages/*/src/**"], message: "Use a package's public entry, not its src files." },
];

/** The console speaks HTTP and shares only contracts; its features never import each other. */
function consoleImportBans(files, otherFeature) {
  return [
    {
      files: [files],
      rules: {
        "no-restricted-imports": [
          "error",
          {
            patterns: [
              ...otherFeature.map((regex) => ({
                regex,
                message: "Features never import each other: move shared pieces to components/ or lib/.",
              })),
              {
                group: ["@siyu/core", "@siyu/storage", "@siyu/storage/*", "@siyu/server", "@siyu/demo"],
                message: "The console speaks HTTP; it may only share @siyu/contracts.",
              },
            ],
          },
        ],
      },
    },
  ];
}

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "artifacts/**", ".siyu/**", "apps/server/.cache/**", "packages/storage/migrations/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: "module" },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read settings through apps/server/src/config.ts, the only reader of process.env." },
      ],
    },
  },
  {
    files: ["packages/**/*.ts", "apps/server/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/extensions": [".ts", ".tsx", ".js"],
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: ["tsconfig.json"] })],
    },
    rules: {
      // Modules talk through events or named flows, never in a circle.
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  {
    files: ["packages/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: drizzleBans,
          patterns: packageBans,
        },
      ],
    },
  },
  ...[
    ["packages/core/src/*/*.ts", "^\\.\\./(?!shared/)[^./][^/]*/"],
    ["packages/core/src/*/*/**/*.ts", "^\\.\\./\\.\\./(?!shared/)[^./][^/]*/"],
  ].map(([files, regex]) => ({
    files: [files],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { paths: drizzleBans, patterns: [moduleBoundary(regex), ...packageBans] }] },
  })),
  {
    files: ["packages/storage/**/*.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["apps/server/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "drizzle-orm", message: "Import Drizzle from @siyu/storage/orm so every package shares one copy." }],
          patterns: [{ group: ["@siyu/*/src/*", "**/packages/*/src/**"], message: "Use a package's public entry, not its src files." }],
        },
      ],
    },
  },
  {
    files: ["apps/console/src/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...consoleImportBans("apps/console/src/!(features)/**/*.{ts,tsx}", []),
  ...consoleImportBans("apps/console/src/features/*/*.{ts,tsx}", ["^\\.\\./(?!\\.\\.)"]),
  ...consoleImportBans("apps/console/src/features/*/*/**/*.{ts,tsx}", ["^\\.\\./\\.\\./(?!\\.\\.)"]),
  {
    files: [
      "apps/server/src/config.ts",
      "**/*.test.ts",
      "**/testing/**",
      "scripts/**",
      "bench/**",
      "*.config.ts",
      "vitest.setup.ts",
      "apps/console/vite.config.ts",
    ],
    rules: { "no-restricted-properties": "off" },
  },
);
