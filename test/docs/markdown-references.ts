/**
 * What a markdown file refers to: headings (as GitHub anchors), relative links and
 * repository paths named in code spans. Regex-based on purpose: a markdown parser would be
 * a new dependency for a few well-defined constructs, and fenced code blocks (shell sessions,
 * directory trees) are skipped whole, which is where a parser would help most.
 */

export interface Reference {
  readonly line: number;
  /** As written: a link target (`docs/x.md#y`) or a path from a code span (`src/x.ts`). */
  readonly target: string;
  readonly kind: 'link' | 'code-path';
}

/** Top-level folders and files of the repository a code span may name. */
const REPO_PATH =
  /^(?:\.\/)?(?:(?:src|test|docs|bench|bin|public|deploy|\.ci)\/[^\s`'"]*|(?:README|CONTRIBUTING|CHANGELOG)\.md|LICENSE|Dockerfile|docker-compose\.yml|package\.json|tsconfig(?:\.[a-z]+)?\.json|nest-cli\.json)$/;
/** A bare markdown file name (`events.md`): a sibling in the same folder. */
const BARE_MARKDOWN = /^[A-Za-z0-9_-]+\.md$/;

/** The lines outside fenced code blocks, with their 1-based numbers. */
export const proseLines = (markdown: string): { line: number; text: string }[] => {
  const lines = markdown.split(/\r?\n/);
  const out: { line: number; text: string }[] = [];
  let fence: string | null = null;
  lines.forEach((text, index) => {
    const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(text);
    if (fence === null && opener) {
      fence = opener[1]!;
      return;
    }
    if (fence !== null) {
      if (new RegExp(`^\\s{0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(text)) fence = null;
      return;
    }
    out.push({ line: index + 1, text });
  });
  return out;
};

/** The inline code spans of a line, and the line with them blanked out. */
const codeSpans = (text: string): { spans: string[]; rest: string } => {
  const spans: string[] = [];
  const rest = text.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_match, _ticks: string, body: string) => {
    spans.push(body.trim());
    return ' '.repeat(_match.length);
  });
  return { spans, rest };
};

/** Heading text as GitHub renders it, before slugging: code ticks, emphasis and link targets dropped. */
const renderedHeading = (raw: string): string =>
  raw
    .replace(/\s+#+\s*$/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/(\*\*|__|\*|_(?=\S))/g, (m) => (m === '_' ? '_' : ''));

/**
 * GitHub's anchor for a heading: lower case, everything but letters, digits, spaces, `-` and
 * `_` removed, spaces turned into `-` (github-slugger's rule).
 */
export const githubSlug = (heading: string): string =>
  renderedHeading(heading)
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');

/** Every anchor a file offers: its headings (duplicates numbered as GitHub does) and explicit ids. */
export const anchorsOf = (markdown: string): Set<string> => {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*)$/.exec(text);
    if (heading) {
      const base = githubSlug(heading[1]!);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const m of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
};

/** A code span's words that name a file or folder of the repository. */
export const pathsInCode = (span: string): string[] =>
  span
    .split(/\s+/)
    .map((word) => word.replace(/^[([]+/, '').replace(/[),;:.\]]+$/, ''))
    .filter((word) => REPO_PATH.test(word) || BARE_MARKDOWN.test(word));

/** The relative links and the code-span paths of a markdown file, outside fenced blocks. */
export const referencesOf = (markdown: string): Reference[] => {
  const refs: Reference[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const { spans, rest } = codeSpans(text);
    for (const span of spans) for (const target of pathsInCode(span)) refs.push({ line, target, kind: 'code-path' });
    for (const m of rest.matchAll(/!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      refs.push({ line, target: m[1]!, kind: 'link' });
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(rest);
    if (definition) refs.push({ line, target: definition[1]!, kind: 'link' });
  }
  return refs.filter((ref) => ref.kind === 'code-path' || !/^[a-z][a-z0-9+.-]*:/i.test(ref.target));
};

/**
 * A path that may carry placeholders (`src/commands/<use-case>/`, `src/**\/*.events.ts`,
 * `src/commands/{a,b}/`) as the concrete paths or the literal prefix that must exist.
 */
export const concretePaths = (path: string): string[] => {
  const brace = /\{([^{}]*)\}/.exec(path);
  if (brace) {
    return brace[1]!
      .split(',')
      .flatMap((choice) => concretePaths(path.slice(0, brace.index) + choice + path.slice(brace.index + brace[0].length)));
  }
  const wild = path.search(/[<*$]/);
  if (wild === -1) return [path];
  const prefix = path.slice(0, wild);
  return [prefix.slice(0, prefix.lastIndexOf('/') + 1)];
};

/**
 * Structural faults that make a page render wrongly: a fenced block left open (everything
 * after it shows as code) and a table row cut off from its header by a blank line.
 */
export const structuralProblems = (markdown: string): { line: number; problem: string }[] => {
  const lines = markdown.split(/\r?\n/);
  const problems: { line: number; problem: string }[] = [];
  let fence: { marker: string; line: number } | null = null;
  lines.forEach((text, index) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence === null) {
      if (marker) fence = { marker, line: index + 1 };
      else if (
        /^\s*\|/.test(text) &&
        (index === 0 || lines[index - 1]!.trim() === '') &&
        !/^\s*\|?\s*:?-{3,}/.test(lines[index + 1] ?? '')
      ) {
        problems.push({ line: index + 1, problem: 'table row with no header row above it' });
      }
    } else if (marker && marker[0] === fence.marker[0] && marker.length >= fence.marker.length && text.trim() === marker) {
      fence = null;
    } else if (marker && /^\s{0,3}(`{3,}|~{3,})\w/.test(text)) {
      // Inside a block, an opener with a language is text: the block above was never closed.
      problems.push({ line: fence.line, problem: `fenced code block not closed before the one opened at line ${index + 1}` });
    }
  });
  if (fence !== null) problems.push({ line: (fence as { line: number }).line, problem: 'fenced code block never closed' });
  return problems;
};
