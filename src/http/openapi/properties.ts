import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';

/**
 * Shorthands for the OpenAPI description of answers. The answers are plain objects whose
 * TypeScript types say `string | null` and the like, which decorator metadata cannot carry
 * (it reflects `Object`), so every property names its JSON type explicitly.
 */
type Options = ApiPropertyOptions & Record<string, unknown>;

export const ApiText = (options: Options = {}) => ApiProperty({ type: 'string', ...options } as ApiPropertyOptions);
export const ApiNullableText = (options: Options = {}) => ApiProperty({ type: 'string', nullable: true, ...options } as ApiPropertyOptions);
export const ApiOptionalText = (options: Options = {}) => ApiPropertyOptional({ type: 'string', ...options } as ApiPropertyOptions);

/** An ISO-8601 UTC instant as the ledger writes it (`2026-01-31T09:30:00.000Z`). */
export const ApiInstant = (options: Options = {}) => ApiProperty({ type: 'string', format: 'date-time', ...options } as ApiPropertyOptions);
export const ApiNullableInstant = (options: Options = {}) =>
  ApiProperty({ type: 'string', format: 'date-time', nullable: true, ...options } as ApiPropertyOptions);

export const ApiCount = (options: Options = {}) => ApiProperty({ type: 'integer', minimum: 0, ...options } as ApiPropertyOptions);
export const ApiNullableNumber = (options: Options = {}) =>
  ApiProperty({ type: 'number', nullable: true, ...options } as ApiPropertyOptions);
export const ApiFlag = (options: Options = {}) => ApiProperty({ type: 'boolean', ...options } as ApiPropertyOptions);
export const ApiNullableFlag = (options: Options = {}) =>
  ApiProperty({ type: 'boolean', nullable: true, ...options } as ApiPropertyOptions);

export const ApiTextList = (options: Options = {}) => ApiProperty({ type: 'string', isArray: true, ...options } as ApiPropertyOptions);
export const ApiNullableTextList = (options: Options = {}) =>
  ApiProperty({ type: 'string', isArray: true, nullable: true, ...options } as ApiPropertyOptions);

/** A page's continuation: pass it as `?cursor=`; null on the last page. */
export const ApiNextCursor = () => ApiNullableText({ description: 'Pass as `?cursor=` for the next page; null on the last page.' });

/** A map from a key (system, category, purpose) to a count. */
export const ApiCountMap = (options: Options = {}) =>
  ApiProperty({ type: 'object', additionalProperties: { type: 'integer', minimum: 0 }, ...options } as ApiPropertyOptions);
