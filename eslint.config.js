// ESLint for the TypeScript, JavaScript and Astro files (`npm run lint`, and `npm test`'s checks).
// Formatting is Prettier's (.prettierrc.json): no rule enabled here formats code, so the two never disagree.
import js from "@eslint/js";
import stylistic from "@stylistic/eslint-plugin";
import astro from "eslint-plugin-astro";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

const MAX_LEN = {
  code: 110,
  ignoreStrings: true,
  ignoreTemplateLiterals: true,
  ignoreRegExpLiterals: true,
  ignoreUrls: true,
};

export default defineConfig(
  // Generated, vendored or scratch files (as in .gitignore and .prettierignore).
  globalIgnores([
    "artifacts/",
    "cache/",
    "coverage/",
    "dist/",
    "types/",
    "media/",
    ".astro/",
    ".peerpilot/",
    ".scratch/",
    ".ci/.node/",
    "test/fixtures/",
    "ignition/deployments/",
  ]),
  js.configs.recommended,
  // Type-aware: the rules that need types (floating promises, unsafe `any`, needless assertions) are the
  // ones that find bugs; they cost a full run about 30 s of CPU instead of 7.
  tseslint.configs.recommendedTypeChecked,
  astro.configs.recommended,
  {
    rules: {
      // A leading underscore marks a binding left unused on purpose (`const { key: _key, ...rest } = o`).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  // Node's globals for the scripts, tests and configs; the browser's for the site (whose components'
  // frontmatter runs in Node at build time: eslint-plugin-astro gives .astro files Node's globals too).
  {
    ignores: ["site/**"],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["site/**"],
    languageOptions: { globals: globals.browser },
  },
  {
    // Types from tsconfig.json; vitest.config.ts, outside its `include`, gets its compiler options too.
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["vitest.config.ts"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    // Not type-aware: the JavaScript files and .astro components (their <script> blocks and frontmatter;
    // astro-eslint-parser has no project service, and `astro check` type-checks them).
    files: ["**/*.js", "**/*.mjs", "**/*.astro", "**/*.astro/*.ts", "**/*.astro/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    plugins: { "@stylistic": stylistic },
    rules: {
      // Prettier wraps code at 110 columns; this holds comments to the same width. Strings, URLs and
      // regular expressions may run longer (Prettier cannot break them, and neither should we).
      "@stylistic/max-len": ["error", MAX_LEN],
    },
  },
  {
    // In a component, only the frontmatter and template expressions are parsed as code; the lines of its
    // <script> and <style> blocks are plain text here (the <script> blocks are linted as code of their own).
    // So only the lines that are comments (JS, CSS or HTML) are held to the width.
    files: ["**/*.astro"],
    rules: {
      "@stylistic/max-len": [
        "error",
        { ...MAX_LEN, ignorePattern: String.raw`^(?!\s*(//|/\*|\*|\{/\*|<!--))` },
      ],
    },
  },
);
