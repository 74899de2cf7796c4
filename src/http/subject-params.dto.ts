import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { SUBJECT_ID_PATTERN, TENANT_ID_PATTERN } from '../domain/catalogue.js';

export class TenantParams {
  @ApiProperty({
    description: 'The tenant (business customer account).',
    pattern: TENANT_ID_PATTERN.source,
    maxLength: 64,
    example: 'acme',
  })
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be 1-64 letters, digits, "_", "." or "-"' })
  tenantId!: string;
}

export class SubjectParams extends TenantParams {
  @ApiProperty({
    description: 'An opaque id of the data subject chosen by the calling service (never an e-mail address).',
    pattern: SUBJECT_ID_PATTERN.source,
    maxLength: 128,
    example: 'user-8412',
  })
  @IsString()
  @Matches(SUBJECT_ID_PATTERN, {
    message: 'subjectId must be an opaque id of 1-128 letters, digits, "_", ".", ":" or "-" (never an e-mail address)',
  })
  subjectId!: string;
}
