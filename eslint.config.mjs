// ESLint, flat config: the recommended rules of @eslint/js and typescript-eslint, plus the
// repository's line limit. Formatting is Prettier's (.prettierrc.json); `npm run lint` runs both.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Node's CommonJS globals, for the few plain-JS files (the workflows' github-script scripts). */
const NODE_GLOBALS = {
  require: "readonly",
  module: "writable",
  process: "readonly",
  console: "readonly",
  __dirname: "readonly",
  Buffer: "readonly",
};

export default tseslint.config(
  { ignores: ["node_modules/", "out/", "dist/", "policies/dist/", "vendor/", "snapshots/", "**/*.d.ts"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Prettier wraps code at 140 columns but never breaks a string or a comment; this catches those. A URL or a
      // regular expression literal cannot be broken without becoming harder to read (or to click), so they may run on.
      "max-len": ["error", { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true }],
      // `_name` marks a value deliberately unused (a destructured field left out of a copy).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      "no-duplicate-imports": ["error", { allowSeparateTypeImports: true }],
    },
  },
  // CommonJS scripts (actions/github-script loads them with require) can only require.
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: NODE_GLOBALS },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
