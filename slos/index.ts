// Entry point of the SLO builder: catalog in, Datadog SLO bodies out (component.ts makes them resources).
export { buildSlo, buildSlos, sliQuery } from "./build";
export type { DatadogSlo, SloDefinition } from "./definition";
