import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../support/domain-event-fields.js';
import { ROUTE_ACCESS } from '../../src/access/route-access.js';

/** The rows of docs/security.md's route table as `METHOD /fastify/:pattern -> roles`. */
const documentedRows = (): string[] => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'security.md'), 'utf8');
  return [...doc.matchAll(/^\|\s*`(GET|POST|PATCH|DELETE) (\/[^`\s]*)`\s*\|\s*([a-z, ]+?)\s*\|/gm)].map(([, method, path, roles]) => {
    const pattern = path!.replace(/\{([A-Za-z]+)\}/g, ':$1');
    return `${method} ${pattern} -> ${roles!.split(/,\s*/).sort().join(',')}`;
  });
};

describe('docs/security.md route table', () => {
  const code = ROUTE_ACCESS.map((r) => `${r.method} ${r.url} -> ${[...r.roles].sort().join(',')}`);

  it('reads rows from the doc', () => {
    expect(documentedRows()).toContain('POST /v1/tenants/:tenantId/subjects/:subjectId/consents -> admin,service');
  });

  it('shows every route of the access table with its roles', () => {
    const documented = new Set(documentedRows());
    expect(code.filter((row) => !documented.has(row))).toEqual([]);
  });

  it('shows no route or role the access table does not have', () => {
    const inCode = new Set(code);
    expect(documentedRows().filter((row) => !inCode.has(row))).toEqual([]);
  });
});

/** Routes named in README's API overview table: `| \`METHOD /path\` | ...`. */
const readmeRoutes = (): Set<string> => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('API overview')) ?? '';
  return new Set(
    [...section.matchAll(/^\|\s*`(GET|POST|PATCH|DELETE) (\/[^`\s]*)`/gm)].map(
      ([, method, path]) => `${method} ${path!.split('?')[0]!.replace(/\{([A-Za-z]+)\}/g, ':$1')}`,
    ),
  );
};

describe("README's API overview", () => {
  it('lists every route of the access table', () => {
    const listed = readmeRoutes();
    expect(ROUTE_ACCESS.map((r) => `${r.method} ${r.url}`).filter((route) => !listed.has(route))).toEqual([]);
  });
});
