import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  ApiCount,
  ApiCountMap,
  ApiInstant,
  ApiNextCursor,
  ApiNullableFlag,
  ApiNullableInstant,
  ApiNullableNumber,
  ApiNullableText,
  ApiText,
} from '../../http/openapi/properties.js';
import { GRIEVANCE_STATES } from './grievances.query.js';

@ApiSchema({ name: 'Grievance', description: 'One grievance as ops watch it (without the subject’s words).' })
export class GrievanceDto {
  @ApiText() grievanceId!: string;
  @ApiText() tenantId!: string;
  @ApiText() subjectId!: string;
  @ApiText({ enum: GRIEVANCE_STATES, description: '`overdue`: open past `dueAt`, judged now.' }) state!: string;
  @ApiText() category!: string;
  @ApiText() channel!: string;
  @ApiInstant() receivedAt!: string;
  @ApiInstant() dueAt!: string;
  @ApiNullableInstant() resolvedAt!: string | null;
  @ApiNullableText() outcome!: string | null;
  @ApiNullableNumber() hoursToResolve!: number | null;
  @ApiNullableFlag() resolvedOnTime!: boolean | null;
  @ApiProperty({ type: 'number', description: 'Hours since receipt (negative for a receipt dated up to 5 minutes ahead).' })
  ageHours!: number;
}

@ApiSchema({ name: 'Grievances', description: 'A page of grievances, oldest receipt first.' })
export class GrievancesDto {
  @ApiProperty({ type: () => [GrievanceDto] }) grievances!: GrievanceDto[];
  @ApiNextCursor() nextCursor!: string | null;
}

@ApiSchema({ name: 'GrievanceSummary' })
export class GrievanceSummaryDto {
  @ApiCount() open!: number;
  @ApiCount() overdue!: number;
  @ApiCount() resolved!: number;
  @ApiCount() resolvedOnTime!: number;
  @ApiNullableNumber() p50HoursToResolve!: number | null;
  @ApiNullableNumber() p95HoursToResolve!: number | null;
  @ApiCountMap({ description: 'Every grievance in scope per category; each category listed, 0 too.' }) byCategory!: Record<string, number>;
}
