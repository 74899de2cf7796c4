import { IsString, Matches } from 'class-validator';
import { SUBJECT_ID_PATTERN, TENANT_ID_PATTERN } from '../domain/catalogue.js';

export class TenantParams {
  @Matches(TENANT_ID_PATTERN, { message: 'tenantId must be 1-64 letters, digits, "_", "." or "-"' })
  tenantId!: string;
}

export class SubjectParams extends TenantParams {
  @IsString()
  @Matches(SUBJECT_ID_PATTERN, {
    message: 'subjectId must be an opaque id of 1-128 letters, digits, "_", ".", ":" or "-" (never an e-mail address)',
  })
  subjectId!: string;
}
