import { stringify } from 'csv-stringify/sync';
import { Readable } from 'node:stream';

export interface CsvColumn<T> {
  readonly header: string;
  readonly value: (item: T) => unknown;
}

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(';');
  return String(value);
};

/** Streams rows as CSV (RFC 4180 quoting by csv-stringify), a header first, page by page. */
export const csvStream = <T>(columns: readonly CsvColumn<T>[], pages: AsyncIterable<T[]>): Readable =>
  Readable.from(
    (async function* () {
      yield stringify([columns.map((c) => c.header)]);
      for await (const page of pages) {
        yield stringify(page.map((item) => columns.map((c) => cell(c.value(item)))));
      }
    })(),
  );
