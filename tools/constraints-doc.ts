// `npm run docs:constraints`: writes docs/provider-constraints.md from the constraint table.
import * as fs from "node:fs";
import * as path from "node:path";
import { renderConstraintsPage } from "../providers/doc";
import { runCli } from "./cli";

export const CONSTRAINTS_PAGE = path.join(__dirname, "..", "docs", "provider-constraints.md");

async function main(): Promise<number> {
  fs.mkdirSync(path.dirname(CONSTRAINTS_PAGE), { recursive: true });
  fs.writeFileSync(CONSTRAINTS_PAGE, renderConstraintsPage());
  console.log(`wrote ${path.relative(process.cwd(), CONSTRAINTS_PAGE)}`);
  return 0;
}

if (require.main === module) runCli(main);
