// Module hooks for register.mjs: a relative `.js` import that has only a `.ts` file beside it
// resolves to the `.ts` file, and `.ts` files are transpiled one by one (the project compiles
// with isolatedModules, so no file needs another to be transpiled). Each output is cached by
// the source's content, so that the workers of later tests start without transpiling again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE = fileURLToPath(new URL('../../../node_modules/.cache/ts-worker-loader/', import.meta.url));
/** Loaded on the first file that is not cached: it takes a while. */
let typescript;

const compilerOptions = () => ({
  module: typescript.ModuleKind.ESNext,
  target: typescript.ScriptTarget.ES2023,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  isolatedModules: true,
  esModuleInterop: true,
  inlineSourceMap: true,
});

const transpile = async (path) => {
  const source = readFileSync(path, 'utf8');
  const cached = join(CACHE, `${createHash('sha256').update(path).update('\0').update(source).digest('hex')}.js`);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  typescript ??= (await import('typescript')).default;
  const { outputText } = typescript.transpileModule(source, { fileName: path, compilerOptions: compilerOptions() });
  mkdirSync(CACHE, { recursive: true });
  // Written aside, then renamed: a parallel test never reads half a file.
  const aside = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(aside, outputText);
  renameSync(aside, cached);
  return outputText;
};

export const resolve = async (specifier, context, nextResolve) => {
  if (context.parentURL?.startsWith('file:') && /^\.{1,2}\//.test(specifier) && specifier.endsWith('.js')) {
    const url = new URL(specifier, context.parentURL);
    const source = new URL(url.href.replace(/\.js$/, '.ts'));
    if (!existsSync(fileURLToPath(url)) && existsSync(fileURLToPath(source)))
      return { url: source.href, format: 'module', shortCircuit: true };
  }
  return nextResolve(specifier, context);
};

export const load = async (url, context, nextLoad) => {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  return { format: 'module', source: await transpile(fileURLToPath(url)), shortCircuit: true };
};
