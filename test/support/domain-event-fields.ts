import { readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Every event the domain declares, read from the types themselves with the TypeScript
 * compiler: each `src/domain/**\/*.events.ts` type with a string-literal `type` and a `data`
 * object. A new event or field shows up here without anyone listing it, which is what lets
 * the docs and the personal-field map be checked against the code.
 */
export interface DomainEvent {
  readonly type: string;
  /** Where it is declared, relative to the repository root. */
  readonly file: string;
  /** Dotted paths of every field of `data`, nested objects flattened (`recipient.kind`); arrays and scalars are leaves. */
  readonly fields: readonly string[];
}

export const REPO_ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));

const filesEnding = (dir: string, suffix: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesEnding(join(dir, entry.name), suffix) : entry.name.endsWith(suffix) ? [join(dir, entry.name)] : [],
  );
const eventFiles = (dir: string): string[] => filesEnding(dir, '.events.ts');

const isPlainObject = (type: ts.Type, checker: ts.TypeChecker): boolean =>
  (type.flags & ts.TypeFlags.Object) !== 0 && !checker.isArrayType(type) && !checker.isTupleType(type) && type.getCallSignatures().length === 0;

const fieldPaths = (type: ts.Type, checker: ts.TypeChecker, node: ts.Node, prefix: string): string[] =>
  type.getProperties().flatMap((property) => {
    const path = prefix + property.getName();
    const propertyType = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(property, node));
    return isPlainObject(propertyType, checker) ? fieldPaths(propertyType, checker, node, `${path}.`) : [path];
  });

let cached: DomainEvent[] | undefined;

export const domainEvents = (): DomainEvent[] => {
  if (cached) return cached;
  const files = eventFiles(join(REPO_ROOT, 'src', 'domain'));
  const program = ts.createProgram(files, {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const events = new Map<string, DomainEvent>();
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`not compiled: ${file}`);
    ts.forEachChild(source, (node) => {
      if (!ts.isTypeAliasDeclaration(node) && !ts.isInterfaceDeclaration(node)) return;
      const type = checker.getTypeAtLocation(node.name);
      if (type.isUnion()) return;
      const typeProperty = type.getProperty('type');
      const dataProperty = type.getProperty('data');
      if (!typeProperty || !dataProperty) return;
      const literal = checker.getTypeOfSymbolAtLocation(typeProperty, node);
      if (!literal.isStringLiteral()) return;
      const data = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(dataProperty, node));
      events.set(literal.value, {
        type: literal.value,
        file: file.slice(REPO_ROOT.length + 1),
        fields: fieldPaths(data, checker, node, ''),
      });
    });
  }
  cached = [...events.values()];
  return cached;
};

/**
 * Every command type the domain declares: the string-literal `type` of each type in
 * `src/domain/**\/*.commands.ts` (the value the metrics label `command` carries).
 */
export const domainCommandTypes = (): string[] => {
  const files = filesEnding(join(REPO_ROOT, 'src', 'domain'), '.commands.ts');
  const program = ts.createProgram(files, { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const types = new Set<string>();
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`not compiled: ${file}`);
    ts.forEachChild(source, (node) => {
      if (!ts.isTypeAliasDeclaration(node) && !ts.isInterfaceDeclaration(node)) return;
      const type = checker.getTypeAtLocation(node.name);
      if (type.isUnion()) return;
      const typeProperty = type.getProperty('type');
      if (!typeProperty) return;
      const literal = checker.getTypeOfSymbolAtLocation(typeProperty, node);
      if (literal.isStringLiteral()) types.add(literal.value);
    });
  }
  return [...types].sort();
};
