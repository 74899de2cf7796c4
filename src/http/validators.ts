import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength, ValidateBy } from 'class-validator';

/**
 * ISO-8601 date-time with an explicit zone (`Z` or `±hh:mm`): a time without a zone is
 * ambiguous evidence, so it is refused rather than guessed.
 */
export const ISO_DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** The calendar date exists: 2026-02-31 matches the pattern but must not roll into March. */
const isRealDate = (value: string): boolean => {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

export const IsDateTime = (): PropertyDecorator =>
  applyDecorators(
    ValidateBy({
      name: 'isDateTime',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && ISO_DATE_TIME.test(value) && isRealDate(value),
        defaultMessage: () => '$property must be a real ISO-8601 date-time with a time zone, e.g. 2026-01-31T09:30:00Z',
      },
    }),
  );

/** Free text from callers: bounded, so one field cannot fill the 64 KiB body on its own. */
export const IsShortText = (max = 500): PropertyDecorator =>
  applyDecorators(IsString(), MaxLength(max), Matches(/\S/, { message: '$property must not be blank' }));
