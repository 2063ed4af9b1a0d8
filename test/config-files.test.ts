// Reading Pulumi.<stack>.yaml: problems with the file itself name the file, line and column,
// and two spellings of one config key are an error instead of one silently winning.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, formatProblem } from "../config/errors";
import { readStackFile } from "../config/load";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llm-obs-stackfile-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeStack(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function problemsOf(file: string): string[] {
  try {
    readStackFile(file);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map(formatProblem);
  }
}

describe("problems in a stack file", () => {
  it.each([
    {
      what: "A bare `paging: false` after `llm-observability:paging: true` is an error naming both keys, not a silent override.",
      name: "Pulumi.bare.yaml",
      text: "config:\n  llm-observability:env: staging\n  llm-observability:paging: true\n  paging: false\n",
      problems: [
        'Pulumi.bare.yaml:4:3: config key "paging" and "llm-observability:paging" (line 3) both set llm-observability:paging, so ' +
          "one would silently override the other; keep one",
      ],
    },
    {
      what: "The bare key first and the namespaced key second is the same error, at the second.",
      name: "Pulumi.bare-first.yaml",
      text: "config:\n  paging: false\n  llm-observability:env: staging\n  llm-observability:paging: true\n",
      problems: [
        'Pulumi.bare-first.yaml:4:3: config key "llm-observability:paging" and "paging" (line 2) both set ' +
          "llm-observability:paging, so one would silently override the other; keep one",
      ],
    },
    {
      what: "Every pair of duplicates is reported at once.",
      name: "Pulumi.twice.yaml",
      text: "config:\n  llm-observability:env: prod\n  env: staging\n  llm-observability:paging: true\n  paging: false\n",
      problems: [
        'Pulumi.twice.yaml:3:3: config key "env" and "llm-observability:env" (line 2) both set llm-observability:env, so one ' +
          "would silently override the other; keep one",
        'Pulumi.twice.yaml:5:3: config key "paging" and "llm-observability:paging" (line 4) both set llm-observability:paging, ' +
          "so one would silently override the other; keep one",
      ],
    },
    {
      what: "A YAML syntax error names the file, line and column.",
      name: "Pulumi.syntax.yaml",
      text: "config:\n  llm-observability:env: prod\n  llm-observability:scale: {tenants: 3\n",
      problems: ["Pulumi.syntax.yaml:4:1: not valid YAML: Flow map in block collection must be sufficiently indented and end with a }"],
    },
    {
      what: "The same key twice in one mapping is a YAML error at the second one.",
      name: "Pulumi.same.yaml",
      text: "config:\n  llm-observability:paging: true\n  llm-observability:paging: false\n",
      problems: ["Pulumi.same.yaml:3:3: not valid YAML: Map keys must be unique"],
    },
    {
      what: "A config block that is a list is reported where it starts.",
      name: "Pulumi.list.yaml",
      text: "config:\n  - llm-observability:paging: true\n",
      problems: ['Pulumi.list.yaml:2:3: config: must be a mapping of "llm-observability:<key>: <value>" entries'],
    },
  ])("$what", ({ name, text, problems }) => {
    const file = writeStack(name, text);
    // Reported with the path as given; shown here relative to the temporary directory.
    expect(problemsOf(file).map((p) => p.replace(`${dir}${path.sep}`, ""))).toEqual(problems);
  });

  it("A well-formed file with both namespaced and bare keys for different settings reads as before.", () => {
    const file = writeStack("Pulumi.ok.yaml", "config:\n  llm-observability:env: prod\n  paging: true\n  datadog:site: datadoghq.eu\n");
    expect(readStackFile(file)).toEqual({
      config: { "llm-observability:env": "prod", "llm-observability:paging": "true", "datadog:site": "datadoghq.eu" },
      secretKeys: [],
    });
  });

  it("An empty config block is an empty config, for the schema to report what is missing.", () => {
    expect(readStackFile(writeStack("Pulumi.empty.yaml", "config:\n"))).toEqual({ config: {}, secretKeys: [] });
  });
});
