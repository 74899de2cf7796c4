import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength, ValidateBy } from 'class-validator';

/**
 * ISO-8601 date-time with an explicit zone (`Z` or `±hh:mm`): a time without a zone is
 * ambiguous evidence, so it is refused rather than guessed.
 */
export const ISO_DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/**
 * The calendar date exists: 2026-02-31 matches the pattern but must not roll into March.
 * setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999.
 */
const isRealDate = (value: string): boolean => {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

/**
 * The ledger writes instants in UTC as `YYYY-MM-DDTHH:mm:ss.sssZ`, which only years 0000-9999
 * have: 9999-12-31T23:00:00-05:00 is in year 10000 UTC, which toISOString writes
 * "+010000-01-01T04:00:00.000Z" (not an RFC 3339 date-time, and sorting before "2026-...").
 */
const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
const isWritableInstant = (value: string): boolean => {
  const instant = Date.parse(value);
  return instant >= EARLIEST && instant <= LATEST;
};

const IsWritableInstant = (): PropertyDecorator =>
  ValidateBy({
    name: 'isWritableInstant',
    validator: {
      // A value that is no date-time at all is isDateTime's to name.
      validate: (value: unknown) => typeof value !== 'string' || !ISO_DATE_TIME.test(value) || isWritableInstant(value),
      defaultMessage: () => '$property must lie between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z in UTC',
    },
  });

/**
 * `anyInstant`: for a bound that is only compared with stored instants and never written or
 * answered back (the transfer register's `from`/`to` clamp it), any instant is fine.
 */
export const IsDateTime = (options: { anyInstant?: boolean } = {}): PropertyDecorator =>
  applyDecorators(
    ValidateBy({
      name: 'isDateTime',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && ISO_DATE_TIME.test(value) && isRealDate(value),
        defaultMessage: () => '$property must be a real ISO-8601 date-time with a time zone, e.g. 2026-01-31T09:30:00Z',
      },
    }),
    ...(options.anyInstant ? [] : [IsWritableInstant()]),
  );

/** Free text from callers: bounded, so one field cannot fill the 64 KiB body on its own. */
export const IsShortText = (max = 500): PropertyDecorator =>
  applyDecorators(IsString(), MaxLength(max), Matches(/\S/, { message: '$property must not be blank' }));
