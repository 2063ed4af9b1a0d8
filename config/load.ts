// File loaders for the offline tools: features/teams from .ts or .json, and the
// `config:` block of Pulumi.<stack>.yaml flattened the way the Pulumi engine hands it
// to the program (so the program reads both through one code path).
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import { ConfigError, type ConfigProblem } from "./errors";
import { CONFIG_NAMESPACE, SECRET } from "./names";

/** Loads an array from a `.json` file (top-level array) or a `.ts`/`.js` module exporting `exportName`. */
export async function loadCatalogFile(file: string, exportName: "features" | "teams"): Promise<unknown> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new Error(`${file}: file not found`);
  if (abs.endsWith(".json")) {
    try {
      return JSON.parse(fs.readFileSync(abs, "utf8"));
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
    }
  }
  if (/\.(ts|js|cjs|mts)$/.test(abs)) {
    // Through whichever TypeScript loader is active: tools/ts-hook.cjs (npm run synth) and tsx
    // compile .ts for require(); vitest only for import().
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = (require.extensions[".ts"] ? require(abs) : await import(pathToFileURL(abs).href)) as Record<string, unknown>;
    if (!(exportName in mod)) throw new Error(`${file}: must export \`${exportName}\``);
    return mod[exportName];
  }
  throw new Error(`${file}: expected a .ts or .json file`);
}

export interface StackFile {
  /** `project:key` -> string value, as in PULUMI_CONFIG. */
  config: Record<string, string>;
  /** Keys whose values are `secure:` ciphertext in the file (never decrypted here). */
  secretKeys: string[];
}

/**
 * Reads the `config:` block of a stack file. Problems with the file itself are thrown as one
 * ConfigError, each located as `<file>:<line>:<column>`: YAML syntax errors (a duplicate key in
 * one mapping among them), a `config` that is not a mapping, and two keys that name the same
 * config key (`paging` and `llm-observability:paging`), where one would silently win.
 */
export function readStackFile(file: string): StackFile {
  if (!fs.existsSync(file)) throw new Error(`${file}: stack config file not found`);
  const lines = new LineCounter();
  const doc = parseDocument(fs.readFileSync(file, "utf8"), { lineCounter: lines, prettyErrors: false });
  const pos = (offset: number | undefined) => lines.linePos(offset ?? 0);
  const at = (offset: number | undefined) => `${file}:${pos(offset).line}:${pos(offset).col}`;
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => ({ path: at(e.pos[0]), message: `not valid YAML: ${firstLine(e.message)}` })));
  }
  const configNode = isMap(doc.contents) ? doc.contents.get("config", true) : undefined;
  if (configNode == null || (isScalar(configNode) && configNode.value === null)) return { config: {}, secretKeys: [] };
  if (!isMap(configNode)) {
    throw new ConfigError([
      { path: at(rangeStart(configNode)), message: `config: must be a mapping of "${CONFIG_NAMESPACE}<key>: <value>" entries` },
    ]);
  }

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const seen = new Map<string, { written: string; line: number }>();
  const problems: ConfigProblem[] = [];
  for (const pair of configNode.items) {
    const rawKey = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const start = rangeStart(pair.key);
    // Pulumi accepts the bare key for the project's own namespace.
    const key = rawKey.includes(":") ? rawKey : `${CONFIG_NAMESPACE}${rawKey}`;
    const first = seen.get(key);
    if (first) {
      problems.push({
        path: at(start),
        message:
          `config key "${rawKey}" and "${first.written}" (line ${first.line}) both set ${key}, so one would silently override the ` +
          `other; keep one`,
      });
      continue;
    }
    seen.set(key, { written: rawKey, line: pos(start).line });
    const value: unknown = isNode(pair.value) ? pair.value.toJSON() : pair.value;
    if (value !== null && typeof value === "object" && "secure" in value) {
      // A stand-in: offline tools cannot and must not decrypt `secure:` values.
      config[key] = SECRET;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { config, secretKeys };
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}

function firstLine(message: string): string {
  return message.split("\n")[0].trim();
}
