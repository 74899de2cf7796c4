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
const cleanMessage = (message: string): string =>
  message.replace(/^property (\S+) should not exist$/, 'is not a known field');

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
    }
    return super.transform(value, metadata);
  }
}
