// The import graph of the package, read with the TypeScript compiler API: every static import,
// `export ... from`, dynamic `import()` and `require()` of a source text, and the repo-relative
// file a relative specifier points to. test/dependency-rule.test.ts checks the layers with it;
// test/catalog-swap.test.ts finds which tests can reach the user's catalog.
import ts from "typescript";
import * as path from "node:path";

export interface Import {
  file: string;
  line: number;
  specifier: string;
  /** `import type` / `export type`: erased at compile time, it loads nothing. */
  typeOnly?: boolean;
}

/** Every import of a source text: `import`, `export ... from`, `import()` and `require()`. */
export function importsOf(file: string, text: string): Import[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined, typeOnly = false) => {
    if (spec && ts.isStringLiteralLike(spec))
      out.push({
        file,
        line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1,
        specifier: spec.text,
        ...(typeOnly && { typeOnly }),
      });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, node.importClause?.isTypeOnly);
    else if (ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      add(node, node.moduleReference.expression);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require"))
        add(node, node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The repo-relative file a relative specifier points to (`.ts` or `/index.ts`), or undefined for a package. */
export function target(from: string, specifier: string, exists: (rel: string) => boolean): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return [`${base}.ts`, `${base}/index.ts`, base].find(exists) ?? `${base}.ts`;
}
