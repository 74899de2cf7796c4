import { ValidateBy, type ValidationArguments } from 'class-validator';
import { DATA_CATEGORIES, PAYMENT_LIKE } from '../../domain/catalogue.js';

const known = (value: unknown): boolean => typeof value === 'string' && (DATA_CATEGORIES as readonly string[]).includes(value);

/**
 * Every value must be a category of domain.md. A payment-like value gets its own message:
 * the policy promises payment details are never held, so the ledger never records them.
 */
export const IsDataCategoryList = (): PropertyDecorator =>
  ValidateBy({
    name: 'isDataCategoryList',
    validator: {
      validate: (value: unknown) => Array.isArray(value) && value.every(known),
      defaultMessage: (args?: ValidationArguments) => {
        const values: unknown[] = Array.isArray(args?.value) ? (args.value as unknown[]) : [];
        const payment = values.find((v) => typeof v === 'string' && PAYMENT_LIKE.test(v));
        if (payment !== undefined) {
          return `${String(payment)} looks like payment data, which the policy says is never held; it cannot be transferred or recorded`;
        }
        const unknown = values.filter((v) => !known(v)).map(String);
        return `unknown data categories: ${unknown.join(', ')}; known: ${DATA_CATEGORIES.join(', ')}`;
      },
    },
  });
