import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { anchorsOf, concretePaths, githubSlug, pathsInCode, referencesOf, structuralProblems } from './markdown-references.js';

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));

const markdownUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? markdownUnder(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : [],
  );

/** The documents a newcomer reads: every one is checked. */
const DOCUMENTS = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...markdownUnder('docs')];

/** Folders that `.gitignore` keeps out of the repository: build and benchmark output a doc may name. */
const GENERATED = readFileSync(join(ROOT, '.gitignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line.endsWith('/') && !/[*?[]/.test(line) && !line.startsWith('#'));
const isGenerated = (path: string): boolean =>
  GENERATED.some((dir) => path.startsWith(dir) || `${path}/` === dir) || path.split('/').includes('node_modules');

const anchorCache = new Map<string, Set<string>>();
const anchorsOfFile = (file: string): Set<string> => {
  let anchors = anchorCache.get(file);
  if (!anchors) {
    anchors = anchorsOf(readFileSync(join(ROOT, file), 'utf8'));
    anchorCache.set(file, anchors);
  }
  return anchors;
};

/** What is wrong with one reference of `file`, or null when it resolves. */
const problemWith = (file: string, kind: 'link' | 'code-path', target: string): string | null => {
  if (kind === 'link') {
    const [pathPart = '', anchor] = target.split('#', 2);
    const path = decodeURIComponent(pathPart);
    const linked = path === '' ? file : relative(ROOT, join(ROOT, dirname(file), path));
    if (linked.startsWith('..')) return `${target}: points outside the repository`;
    if (!existsSync(join(ROOT, linked))) return `${target}: no such file`;
    if (anchor !== undefined && linked.endsWith('.md') && !anchorsOfFile(linked).has(decodeURIComponent(anchor))) {
      return `${target}: no heading with anchor #${anchor} in ${linked}`;
    }
    return null;
  }
  const bare = !target.includes('/') && target.endsWith('.md');
  if (!bare && isGenerated(target.replace(/^\.\//, ''))) return null;
  for (const candidate of concretePaths(target.replace(/^\.\//, ''))) {
    const places = bare ? [join(dirname(file), candidate), candidate] : [candidate];
    if (!places.some((place) => existsSync(join(ROOT, place)))) return `\`${target}\`: no such file or folder${bare ? ' (next to this file or at the root)' : ''}`;
  }
  return null;
};

describe('markdown references (the checker itself)', () => {
  it('slugs headings the way GitHub does', () => {
    expect(githubSlug('Publish a policy version (`policy-published`)')).toBe('publish-a-policy-version-policy-published');
    expect(githubSlug('Durability and group commit')).toBe('durability-and-group-commit');
    expect(githubSlug('**Rule 7:** grievances, one month')).toBe('rule-7-grievances-one-month');
    expect(githubSlug('API keys')).toBe('api-keys');
  });

  it('numbers repeated headings and ignores headings inside fenced blocks', () => {
    const anchors = anchorsOf('# Notes\n\n## Notes\n\n```\n# not a heading\n```\n<a name="custom"></a>\n');
    expect([...anchors].sort()).toEqual(['custom', 'notes', 'notes-1']);
  });

  it('finds relative links and code-span paths, not URLs or fenced code', () => {
    const refs = referencesOf(
      [
        'See [events](docs/events.md#hash-chain), [up](#top) and [site](https://example.com).',
        'The table is `src/access/route-access.ts`; run `node bin/verify-export.mjs --events x`.',
        '`npm test` and `LEDGER_DATA_DIR/api-keys.json` are not paths; `domain.md` is one.',
        '```sh',
        'cat src/not-checked.ts',
        '```',
        '[ref]: CONTRIBUTING.md',
      ].join('\n'),
    );
    expect(refs.map((r) => `${r.kind} ${r.target}`)).toEqual([
      'link docs/events.md#hash-chain',
      'link #top',
      'code-path src/access/route-access.ts',
      'code-path bin/verify-export.mjs',
      'code-path domain.md',
      'link CONTRIBUTING.md',
    ]);
  });

  it('reduces placeholders to what must exist', () => {
    expect(concretePaths('src/commands/{give-consent,publish-policy}/')).toEqual(['src/commands/give-consent/', 'src/commands/publish-policy/']);
    expect(concretePaths('src/commands/<use-case>/<use-case>.handler.ts')).toEqual(['src/commands/']);
    expect(concretePaths('src/domain/**/*.events.ts')).toEqual(['src/domain/']);
    expect(pathsInCode('(see test/e2e/).')).toEqual(['test/e2e/']);
  });

  it('reports a missing file, a missing anchor and a missing code path', () => {
    expect(problemWith('README.md', 'link', 'docs/nowhere.md')).toMatch(/no such file/);
    expect(problemWith('README.md', 'link', 'docs/events.md#no-such-heading')).toMatch(/no heading/);
    expect(problemWith('docs/architecture.md', 'code-path', 'domain-rules-elsewhere.md')).toMatch(/no such file/);
    expect(problemWith('README.md', 'code-path', 'src/no/such/file.ts')).toMatch(/no such file/);
    expect(problemWith('README.md', 'link', 'LICENSE')).toBeNull();
    expect(problemWith('docs/performance.md', 'code-path', 'bench/results/commands.json')).toBeNull();
  });

  it('finds a fenced block left open and a table row cut off from its header', () => {
    expect(structuralProblems('text\n\n```json\n{}\n')).toEqual([{ line: 3, problem: 'fenced code block never closed' }]);
    expect(structuralProblems('| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n')).toEqual([
      { line: 5, problem: 'table row with no header row above it' },
    ]);
    expect(structuralProblems('| a |\n|---|\n\n```\n| not a table |\n```\n')).toEqual([]);
    expect(structuralProblems('```json\n{}\n\n## Next\n\n```json\n{}\n```\n')).toEqual([
      { line: 1, problem: 'fenced code block not closed before the one opened at line 6' },
    ]);
  });
});

describe('the documentation', () => {
  it.each(DOCUMENTS)('%s exists', (file) => {
    expect(existsSync(join(ROOT, file))).toBe(true);
  });

  it.each(DOCUMENTS.filter((file) => existsSync(join(ROOT, file))))(
    '%s renders whole, links only to files and headings that exist, and names only paths that exist',
    (file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const problems = [
        ...structuralProblems(text).map(({ line, problem }) => `${file}:${line}: ${problem}`),
        ...referencesOf(text).flatMap(({ line, kind, target }) => {
          const problem = problemWith(file, kind, target);
          return problem === null ? [] : [`${file}:${line}: ${problem}`];
        }),
      ];
      expect(problems).toEqual([]);
    },
  );
});
