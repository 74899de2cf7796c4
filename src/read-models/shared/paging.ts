import { validationFailed } from '../../domain/ledger-error.js';
import type { FindOptions, ReadDocument, ReadStore, Scalar, Where } from '../../read-store/read-store.port.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** Cursors are opaque to clients: the sort values of the last item, base64url-encoded JSON. */
export const encodeCursor = (values: readonly Scalar[]): string => Buffer.from(JSON.stringify(values)).toString('base64url');

export const decodeCursor = (cursor: string, length: number): Scalar[] => {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === length &&
      values.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    ) {
      return values as Scalar[];
    }
  } catch {
    // fall through to the validation error
  }
  throw validationFailed([{ field: 'cursor', message: 'cursor is not one this API gave out' }]);
};

export interface PageQuery {
  readonly where: Where;
  readonly orderBy: readonly string[];
  readonly limit: number;
  readonly cursor: string | undefined;
}

/** One page by keyset: asks for one more than the limit to know whether a next page exists. */
export const findPage = async <T extends ReadDocument>(store: ReadStore, collection: string, query: PageQuery): Promise<Page<T>> => {
  const options: FindOptions = {
    where: query.where,
    orderBy: query.orderBy,
    limit: query.limit + 1,
    ...(query.cursor !== undefined && { after: decodeCursor(query.cursor, query.orderBy.length + 1) }),
  };
  const found = await store.find<T>(collection, options);
  const items = found.slice(0, query.limit);
  const last = items.at(-1);
  const nextCursor =
    found.length > query.limit && last ? encodeCursor([...query.orderBy.map((field) => (last[field] ?? null) as Scalar), last._id]) : null;
  return { items, nextCursor };
};

/** Every page from the cursor on, for exports that must be complete (CSV). */
export async function* allPages<T extends ReadDocument>(
  store: ReadStore,
  collection: string,
  query: Omit<PageQuery, 'limit'>,
): AsyncGenerator<T[]> {
  let cursor = query.cursor;
  for (;;) {
    const page = await findPage<T>(store, collection, { ...query, cursor, limit: MAX_PAGE_SIZE });
    if (page.items.length > 0) yield page.items;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

/** Each page transformed in turn (e.g. personal values opened with one key lookup per page). */
export async function* mapPages<T, U>(pages: AsyncIterable<T[]>, map: (items: T[]) => Promise<U[]>): AsyncGenerator<U[]> {
  for await (const page of pages) yield await map(page);
}
