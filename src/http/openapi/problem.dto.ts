import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ERROR_STATUS } from '../../domain/ledger-error.js';

/**
 * Every `code` the ledger answers with: the domain's vocabulary and the filter's own
 * `internal-error`. Published as the `ProblemCode` schema (openapi.ts) so that a generated client
 * gets them as a union type; `Problem.code` stays a string, since later versions may add codes.
 */
export const PROBLEM_CODES: readonly string[] = [...Object.keys(ERROR_STATUS), 'internal-error'];

export class FieldErrorDto {
  @ApiProperty({
    description: 'The field, as a path into the request: `recipient.kind`, `purposes`, `tenantId`, `idempotency-key`.',
    example: 'recipient.kind',
  })
  field!: string;

  @ApiProperty({ example: 'kind must be one of: cloud-host, development-partner, processor' })
  message!: string;
}

/**
 * The one error shape of the API (RFC 9457): every 4xx and 5xx answer is this, as
 * `application/problem+json`. `code` is the stable machine-readable part.
 */
@ApiSchema({ name: 'Problem', description: 'RFC 9457 problem details; `code` is stable (api.md), `errors` lists each invalid field.' })
export class ProblemDto {
  @ApiProperty({
    description: 'A URN naming the problem type: `urn:privacy-ledger:problem:<code>`.',
    example: 'urn:privacy-ledger:problem:validation-failed',
  })
  type!: string;

  @ApiProperty({ example: 'The request is not valid' })
  title!: string;

  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 })
  status!: number;

  @ApiProperty({ example: 'purposes: each value in purposes must be one of: account-registration, ...' })
  detail!: string;

  @ApiProperty({
    description: `Stable error code (one of \`ProblemCode\`): ${PROBLEM_CODES.join(', ')}; later versions may add codes.`,
    example: 'validation-failed',
  })
  code!: string;

  @ApiPropertyOptional({ type: () => [FieldErrorDto], description: 'With `validation-failed`: every field that was refused.' })
  errors?: FieldErrorDto[];
}
