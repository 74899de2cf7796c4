import { ApiProperty } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { GRIEVANCE_OUTCOMES, type GrievanceOutcome } from '../../domain/catalogue.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { IsDateTime } from '../../http/validators.js';

export class GrievanceParams extends SubjectParams {
  /** A grievanceId the ledger gave out (a UUIDv7); anything else cannot name a grievance. */
  @ApiProperty({
    description: 'The grievanceId the ledger gave when the grievance was lodged.',
    pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,63}$',
    maxLength: 64,
  })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, { message: 'grievanceId must be the grievanceId the ledger gave when it was lodged' })
  grievanceId!: string;
}

export class ResolveGrievanceDto {
  @ApiProperty({ enum: GRIEVANCE_OUTCOMES, enumName: 'GrievanceOutcome' })
  @IsIn(GRIEVANCE_OUTCOMES, { message: `outcome must be one of: ${GRIEVANCE_OUTCOMES.join(', ')}` })
  outcome!: GrievanceOutcome;

  /** When the grievance was redressed (it is the event's occurredAt); not before its receipt. */
  @ApiProperty({
    format: 'date-time',
    description: 'When the grievance was redressed; not before its receipt, at most 5 minutes in the future.',
  })
  @IsDateTime()
  resolvedAt!: string;
}
