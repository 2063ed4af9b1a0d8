// Validates generated JSON against Datadog's own OpenAPI v1 schemas (vendored), offline.
// The spec has no additionalProperties:false and does not parse query strings; the
// contract lints (dashboards/lint.ts, monitors/lint.ts) cover what it cannot.
//
// Parsing the 45k-line YAML and compiling its schemas with Ajv took ~0.7 s of every synth, so the
// validators are compiled once into standalone code (https://ajv.js.org/standalone.html) cached
// under node_modules/.cache, keyed by the spec, this file and the library versions that shape the
// code. A cache that cannot be written (read-only node_modules) falls back to compiling in memory.
// Two modules: a small one that only says whether a dashboard or monitor is valid (all a valid
// synth loads), and the one that lists every error, loaded only for a document that is not.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as vm from "node:vm";
import type { ErrorObject, ValidateFunction } from "ajv";
import { PROJECT } from "../config/names";

const ROOT = path.join(__dirname, "..");
export const SPEC_PATH = path.join(ROOT, "vendor", "datadog", "openapi-v1.yaml");
/** Where the offline tools keep what they compile once (tools/ts-hook.cjs uses the same directory). */
export const TOOLS_CACHE = path.join(ROOT, "node_modules", ".cache", PROJECT);
const CACHE_PREFIX = "datadog-spec-";

export interface SpecError {
  /** JSON pointer inside the validated document. */
  at: string;
  message: string;
}

interface Compiled {
  /** Schema name -> validator, for "Dashboard", "Monitor", "ServiceLevelObjectiveRequest" and every `*WidgetDefinition`. */
  validators: Record<string, ValidateFunction>;
  /** widget `type` value -> concrete `*WidgetDefinition` schema name. */
  widgetSchemas: Record<string, string>;
}

/**
 * The top-level schemas compiled without `allErrors`: the same verdict, found without collecting
 * every error. With `allErrors`, each widget is checked against every branch of the widget oneOf and
 * all their errors are gathered even when one branch matches: that was most of validating a valid
 * dashboard. Only a document this rejects is validated again, by `Compiled`, for its errors.
 */
type Verdicts = Record<(typeof VERDICT_SCHEMAS)[number], ValidateFunction>;

const VERDICT_SCHEMAS = ["Dashboard", "Monitor", "ServiceLevelObjectiveRequest"] as const;

let compiled: Compiled | undefined;
let verdicts: Verdicts | undefined;

/** Compiles the schemas synth validates against; `code` and `verdictCode` are their standalone module sources. */
function compileSpec(specText: string): Compiled & { code: string; verdicts: Verdicts; verdictCode: string } {
  // Required here, not imported: a run that finds the cache never loads the compiler (~60 ms).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { fromSchema } =
    require("@openapi-contrib/openapi-schema-to-json-schema") as typeof import("@openapi-contrib/openapi-schema-to-json-schema");
  const { default: Ajv, _ } = require("ajv") as typeof import("ajv");
  const { default: standaloneCode } = require("ajv/dist/standalone") as typeof import("ajv/dist/standalone");
  const { default: addFormats } = require("ajv-formats") as typeof import("ajv-formats");
  const { load: loadYaml } = require("js-yaml") as typeof import("js-yaml");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const spec = loadYaml(specText) as { components: { schemas: Record<string, Record<string, unknown>> } };
  const schemas: Record<string, unknown> = {};
  const widgetSchemas: Record<string, string> = {};
  for (const [name, schema] of Object.entries(spec.components.schemas)) {
    // The vendored spec is parsed YAML; the converter's input type is the OpenAPI schema object it is.
    schemas[name] = fromSchema(schema as Parameters<typeof fromSchema>[0]);
    const typeRef = (schema.properties as Record<string, { $ref?: string }> | undefined)?.type?.$ref;
    const typeSchema = typeRef ? spec.components.schemas[typeRef.split("/").pop()!] : undefined;
    if (name.endsWith("WidgetDefinition") && Array.isArray(typeSchema?.enum) && typeSchema.enum.length === 1) {
      widgetSchemas[String(typeSchema.enum[0])] = name;
    }
  }
  const build = (names: readonly string[], allErrors: boolean) => {
    // `code.formats` tells the standalone module where ajv-formats' checks live at run time.
    const ajv = new Ajv({
      strict: false,
      allErrors,
      code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
    });
    addFormats(ajv);
    ajv.addSchema({ $id: "dd", components: { schemas } });
    const refs = Object.fromEntries(names.map((n) => [n, `dd#/components/schemas/${n}`]));
    return { validators: Object.fromEntries(names.map((n) => [n, ajv.getSchema(refs[n])!])), code: standaloneCode(ajv, refs) };
  };
  const full = build(["Dashboard", "Monitor", "ServiceLevelObjectiveRequest", ...new Set(Object.values(widgetSchemas))], true);
  const fast = build(VERDICT_SCHEMAS, false);
  return {
    validators: full.validators,
    widgetSchemas,
    code: `${full.code}\nexports.widgetSchemas = ${JSON.stringify(widgetSchemas)};\n`,
    verdicts: fast.validators as Verdicts,
    verdictCode: fast.code,
  };
}

/** What the generated code depends on: the spec, this file, and the versions of the libraries that write it. */
function cacheKey(specText: string): string {
  const hash = createHash("sha256").update(specText);
  hash.update(fs.readFileSync(path.join(ROOT, "tools", "datadog-spec.ts")));
  for (const pkg of ["ajv", "ajv-formats", "@openapi-contrib/openapi-schema-to-json-schema", "js-yaml"]) {
    hash.update(`${pkg}@${(JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as { version: string }).version}`);
  }
  return hash.digest("hex").slice(0, 16);
}

/** Writes each file atomically (concurrent runs each write their own temp file), then removes the files of older keys. */
function writeCache(key: string, files: Record<string, string | Buffer>): boolean {
  try {
    fs.mkdirSync(TOOLS_CACHE, { recursive: true });
    for (const [file, content] of Object.entries(files)) {
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, content);
      fs.renameSync(tmp, file);
    }
    for (const old of fs.readdirSync(TOOLS_CACHE)) {
      if (old.startsWith(CACHE_PREFIX) && !old.startsWith(`${CACHE_PREFIX}${key}`)) {
        fs.rmSync(path.join(TOOLS_CACHE, old), { force: true });
      }
    }
    return true;
  } catch {
    return false;
  }
}

/** The cached module of `kind` ("errors": every validator, collecting all errors; "verdicts": `Verdicts`), compiled first if missing. */
function cachedModule(kind: "errors" | "verdicts"): Record<string, unknown> | undefined {
  const specText = fs.readFileSync(SPEC_PATH, "utf8");
  const key = cacheKey(specText);
  const file = (k: string) => path.join(TOOLS_CACHE, `${CACHE_PREFIX}${key}-${k}.cjs`);
  if (!fs.existsSync(file(kind))) {
    const fresh = compileSpec(specText);
    if (!writeCache(key, { [file("errors")]: fresh.code, [file("verdicts")]: fresh.verdictCode })) {
      compiled = fresh;
      verdicts = fresh.verdicts;
      return undefined;
    }
  }
  return loadWithCodeCache(file(kind), key);
}

/**
 * Runs a generated CommonJS module with V8's code cache for it (vm.Script `cachedData`), kept next
 * to it per Node version: the validators are a few large functions that V8 otherwise parses and
 * compiles on every run. The cache is written at exit of a run that had none (or had one V8 refused),
 * so it holds the functions that run compiled. A cache that cannot be written costs only the compile.
 */
function loadWithCodeCache(file: string, key: string): Record<string, unknown> {
  const cacheFile = `${file}.${process.version}-${process.arch}.v8`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // First run with this Node version.
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(file, "utf8")}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  if (!cachedData || script.cachedDataRejected) {
    process.once("exit", () => writeCache(key, { [cacheFile]: script.createCachedData() }));
  }
  return module.exports;
}

function compile(): Compiled {
  if (compiled) return compiled;
  const loaded = cachedModule("errors");
  if (!loaded) return compiled!;
  const { widgetSchemas, ...validators } = loaded as Record<string, ValidateFunction> & { widgetSchemas: Record<string, string> };
  return (compiled = { validators, widgetSchemas });
}

/** Whether `doc` is valid against one of VERDICT_SCHEMAS; loads only the verdict module. */
function isValid(schemaName: keyof Verdicts, doc: unknown): boolean {
  if (!verdicts) {
    const loaded = cachedModule("verdicts");
    // Undefined when the cache could not be written: cachedModule then set both from memory.
    if (loaded) verdicts = loaded as Verdicts;
  }
  return verdicts![schemaName](doc) as boolean;
}

function validator(schemaName: string): ValidateFunction {
  const fn = compile().validators[schemaName];
  if (!fn)
    throw new Error(
      `no precompiled validator for ${schemaName}: compileSpec() compiles Dashboard, Monitor, ServiceLevelObjectiveRequest and the ` +
        "widget definitions",
    );
  return fn;
}

function toErrors(errors: ErrorObject[] | null | undefined, prefix = ""): SpecError[] {
  return (errors ?? []).map((e) => ({
    at: prefix + e.instancePath,
    message: `${e.message ?? "invalid"}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ""}`,
  }));
}

/**
 * Validates against a precompiled schema of the spec: "Dashboard", "Monitor", "ServiceLevelObjectiveRequest" or a widget
 * definition, e.g. "TimeseriesWidgetDefinition".
 */
export function validateAgainst(schemaName: string, doc: unknown): SpecError[] {
  const fn = validator(schemaName);
  return fn(doc) ? [] : toErrors(fn.errors);
}

/**
 * Validates a dashboard against `#/components/schemas/Dashboard`. A widget that breaks the
 * widget oneOf yields hundreds of unhelpful errors, so each failing widget is re-checked
 * against its concrete definition schema to name the real problem.
 */
export function validateDashboard(dashboard: unknown): SpecError[] {
  if (isValid("Dashboard", dashboard)) return [];
  const fn = validator("Dashboard");
  if (fn(dashboard)) return [];
  const precise: SpecError[] = [];
  const visit = (widgets: unknown, at: string) => {
    if (!Array.isArray(widgets)) return;
    widgets.forEach((w, i) => {
      const def = (w as { definition?: { type?: string; widgets?: unknown } })?.definition;
      const where = `${at}/${i}/definition`;
      const schema = def?.type ? compile().widgetSchemas[def.type] : undefined;
      if (!def || !schema) {
        precise.push({ at: where, message: `unknown widget type ${JSON.stringify(def?.type)}` });
        return;
      }
      // A group's children are checked one by one below, not through the group's oneOf.
      const own = def.type === "group" ? { ...def, widgets: [] } : def;
      precise.push(...validateAgainst(schema, own).map((e) => ({ ...e, at: where + e.at })));
      if (def.type === "group") visit(def.widgets, `${where}/widgets`);
    });
  };
  visit((dashboard as { widgets?: unknown })?.widgets, "/widgets");
  // Problems outside widgets (title, template variables, ...) still come from the full schema.
  const outside = toErrors(fn.errors).filter((e) => !e.at.startsWith("/widgets"));
  const all = [...outside, ...precise];
  return all.length ? all : toErrors(fn.errors);
}

/** Validates a monitor body (API shape) against `#/components/schemas/Monitor`. */
export function validateMonitor(monitor: unknown): SpecError[] {
  return isValid("Monitor", monitor) ? [] : validateAgainst("Monitor", monitor);
}

/** Validates an SLO body (API shape) against `#/components/schemas/ServiceLevelObjectiveRequest`, what `POST /api/v1/slo` takes. */
export function validateSlo(slo: unknown): SpecError[] {
  return isValid("ServiceLevelObjectiveRequest", slo) ? [] : validateAgainst("ServiceLevelObjectiveRequest", slo);
}

export function formatSpecErrors(errors: SpecError[], limit = 20): string {
  const shown = errors.slice(0, limit).map((e) => `  ${e.at || "/"}: ${e.message}`);
  if (errors.length > limit) shown.push(`  ... and ${errors.length - limit} more`);
  return shown.join("\n");
}
