import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { validationFailed, type FieldError } from '../domain/ledger-error.js';

/** Flattens class-validator's tree into `{ field: 'recipient.kind', message }` pairs. */
export const fieldErrors = (errors: readonly ValidationError[], parent = ''): FieldError[] =>
  errors.flatMap((error) => {
    const field = parent === '' ? error.property : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: cleanMessage(message) }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });

// class-validator phrases the whitelist rule as "property x should not exist"; say it plainly.
const cleanMessage = (message: string): string => message.replace(/^property (\S+) should not exist$/, 'is not a known field');

/**
 * The one validation pipe: unknown fields are refused (not silently dropped), values are
 * never coerced from one JSON type to another, and every failure names its field.
 */
export const ledgerValidationPipe = (): ValidationPipe =>
  new LedgerValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(fieldErrors(errors)),
  });

/**
 * A command body must be a JSON object. A POST with no body at all is an empty object
 * (every field of a withdrawal or erasure request is optional); `null`, an array or a bare
 * value is refused, naming the body.
 */
class LedgerValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      if (value === undefined) return super.transform({}, metadata);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw validationFailed([{ field: 'body', message: 'the body must be a JSON object' }]);
      }
      const malformed = firstMalformedText(value);
      if (malformed !== null) {
        throw validationFailed([{ field: malformed, message: 'must be well-formed Unicode text (no lone surrogates)' }]);
      }
    }
    return super.transform(value, metadata);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * JSON may carry a lone UTF-16 surrogate (`"\\ud800"`), which is not text: RFC 8785
 * canonical JSON, and so the event hash chain, cannot represent it. Returns the path of the
 * first such string (or key), or null.
 */
const firstMalformedText = (value: unknown, path = ''): string | null => {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path || 'body' : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    if (LONE_SURROGATE.test(key)) return childPath;
    const found = firstMalformedText(child, childPath);
    if (found !== null) return found;
  }
  return null;
};
