// Validates rendered Kubernetes manifests (kubectl kustomize output) offline against the API's own schemas, in
// two ways, and prints one line per problem (exit 1), or "N objects valid" (exit 0):
// - kubernetes-models' validators, generated from the upstream OpenAPI definitions: types, formats, required
//   fields, enumerations;
// - the same package's TypeScript interfaces, with each object written as an object literal of its kind's type and
//   compiled: TypeScript rejects any property the API does not define (a misspelled field), which the OpenAPI
//   definitions, having no additionalProperties: false, let through.
//   node validate.mjs RENDERED.yaml
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
const objects = yaml.loadAll(readFileSync(process.argv[2], "utf8")).filter(Boolean);
const problems = [];

// apps/v1 -> kubernetes-models/apps/v1; v1 (the core group) -> kubernetes-models/v1.
const moduleOf = (apiVersion) => `kubernetes-models/${apiVersion}`;
const nameOf = (o) => `${o.kind}/${o.metadata?.name ?? "(no name)"}`;

const literals = [];
for (const [i, object] of objects.entries()) {
  let models;
  try {
    models = await import(moduleOf(object.apiVersion));
  } catch {
    problems.push(`${nameOf(object)}: no schema for apiVersion ${object.apiVersion}`);
    continue;
  }
  const Model = models[object.kind];
  if (!Model) {
    problems.push(`${nameOf(object)}: ${object.apiVersion} has no kind ${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (e) {
    problems.push(`${nameOf(object)}: ${e.message.replace(/\s+/g, " ")}`);
  }
  literals.push(`import type { I${object.kind} as T${i} } from "${moduleOf(object.apiVersion)}/${object.kind}";\n`
    + `export const o${i}: T${i} = ${JSON.stringify(object, null, 2)};\n`);
}

// The compile, in a directory beside node_modules so that the package resolves.
const directory = mkdtempSync(join(here, ".check-"));
try {
  const file = join(directory, "objects.ts");
  writeFileSync(file, literals.join("\n"));
  const program = ts.createProgram([file], {
    noEmit: true, strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [],
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
    let where = "";
    if (d.file && d.start !== undefined) {
      // The object the diagnostic falls in, and the line of the literal, for a message that names the field.
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const before = d.file.text.slice(0, d.start);
      const index = [...before.matchAll(/export const o(\d+)/g)].pop()?.[1];
      where = `${index !== undefined ? nameOf(objects[Number(index)]) : "objects.ts"} (line ${line + 1} of the literal): `;
    }
    problems.push(`${where}${text}`);
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}

for (const problem of problems) {
  console.log(problem);
}
if (problems.length > 0) {
  process.exit(1);
}
console.log(`${objects.length} objects valid`);
