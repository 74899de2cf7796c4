import type { TransformFnParams } from 'class-transformer';

/**
 * Query strings are text: only plain digits become a number. Anything else (empty, "1.5",
 * "1e3", "abc") becomes NaN so that the integer check refuses it by name, where a plain
 * Number() would have read "" as 0.
 */
export const toWholeNumber = ({ value }: TransformFnParams): unknown => {
  if (typeof value !== 'string') return value;
  return /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
};
