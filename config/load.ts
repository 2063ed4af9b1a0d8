// File loaders for the offline tools: features/teams from .ts or .json, and the
// `config:` block of Pulumi.<stack>.yaml flattened the way the Pulumi engine hands it
// to the program (so the program reads both through one code path).
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import { CONFIG_NAMESPACE, SECRET } from "./names";

/** Loads an array from a `.json` file (top-level array) or a `.ts`/`.js` module exporting `exportName`. */
export async function loadCatalogFile(file: string, exportName: "features" | "teams"): Promise<unknown> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new Error(`${file}: file not found`);
  if (abs.endsWith(".json")) {
    try {
      return JSON.parse(fs.readFileSync(abs, "utf8"));
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
    }
  }
  if (/\.(ts|js|cjs|mts)$/.test(abs)) {
    // import(), not require(): it goes through whichever TypeScript loader is active (tsx, vitest).
    const mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
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

export function readStackFile(file: string): StackFile {
  if (!fs.existsSync(file)) throw new Error(`${file}: stack config file not found`);
  const doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(doc.config ?? {})) {
    // Pulumi accepts the bare key for the project's own namespace.
    const key = rawKey.includes(":") ? rawKey : `${CONFIG_NAMESPACE}${rawKey}`;
    if (value !== null && typeof value === "object" && "secure" in (value as object)) {
      // A stand-in: offline tools cannot and must not decrypt `secure:` values.
      config[key] = SECRET;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { config, secretKeys };
}
