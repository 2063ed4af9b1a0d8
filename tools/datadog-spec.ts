// Validates generated JSON against Datadog's own OpenAPI v1 schemas (vendored), offline.
// The spec has no additionalProperties:false and does not parse query strings; the
// contract lints (dashboards/lint.ts, monitors/lint.ts) cover what it cannot.
import * as fs from "node:fs";
import * as path from "node:path";
import { fromSchema } from "@openapi-contrib/openapi-schema-to-json-schema";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { load as loadYaml } from "js-yaml";

export const SPEC_PATH = path.join(__dirname, "..", "vendor", "datadog", "openapi-v1.yaml");

export interface SpecError {
  /** JSON pointer inside the validated document. */
  at: string;
  message: string;
}

interface Compiled {
  ajv: Ajv;
  /** widget `type` value -> concrete `*WidgetDefinition` schema name. */
  widgetSchemas: Map<string, string>;
}

let compiled: Compiled | undefined;

function compile(): Compiled {
  if (compiled) return compiled;
  const spec = loadYaml(fs.readFileSync(SPEC_PATH, "utf8")) as { components: { schemas: Record<string, Record<string, unknown>> } };
  const schemas: Record<string, unknown> = {};
  const widgetSchemas = new Map<string, string>();
  for (const [name, schema] of Object.entries(spec.components.schemas)) {
    // The vendored spec is parsed YAML; the converter's input type is the OpenAPI schema object it is.
    schemas[name] = fromSchema(schema as Parameters<typeof fromSchema>[0]);
    const typeRef = (schema.properties as Record<string, { $ref?: string }> | undefined)?.type?.$ref;
    const typeSchema = typeRef ? spec.components.schemas[typeRef.split("/").pop()!] : undefined;
    if (name.endsWith("WidgetDefinition") && Array.isArray(typeSchema?.enum) && typeSchema.enum.length === 1) {
      widgetSchemas.set(String(typeSchema.enum[0]), name);
    }
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "dd", components: { schemas } });
  compiled = { ajv, widgetSchemas };
  return compiled;
}

function validator(schemaName: string): ValidateFunction {
  const fn = compile().ajv.getSchema(`dd#/components/schemas/${schemaName}`);
  if (!fn) throw new Error(`no schema ${schemaName} in ${SPEC_PATH}`);
  return fn;
}

function toErrors(errors: ErrorObject[] | null | undefined, prefix = ""): SpecError[] {
  return (errors ?? []).map((e) => ({
    at: prefix + e.instancePath,
    message: `${e.message ?? "invalid"}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ""}`,
  }));
}

/** Validates against any named schema of the spec, e.g. "Monitor" or "TimeseriesWidgetDefinition". */
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
  const fn = validator("Dashboard");
  if (fn(dashboard)) return [];
  const precise: SpecError[] = [];
  const visit = (widgets: unknown, at: string) => {
    if (!Array.isArray(widgets)) return;
    widgets.forEach((w, i) => {
      const def = (w as { definition?: { type?: string; widgets?: unknown } })?.definition;
      const where = `${at}/${i}/definition`;
      const schema = def?.type ? compile().widgetSchemas.get(def.type) : undefined;
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
  return validateAgainst("Monitor", monitor);
}

/** Validates an SLO body (API shape) against `#/components/schemas/ServiceLevelObjectiveRequest`, what `POST /api/v1/slo` takes. */
export function validateSlo(slo: unknown): SpecError[] {
  return validateAgainst("ServiceLevelObjectiveRequest", slo);
}

export function formatSpecErrors(errors: SpecError[], limit = 20): string {
  const shown = errors.slice(0, limit).map((e) => `  ${e.at || "/"}: ${e.message}`);
  if (errors.length > limit) shown.push(`  ... and ${errors.length - limit} more`);
  return shown.join("\n");
}
