import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** The OpenAPI description of a command's answer (src/commands/write-path/command-outcome.ts holds the types the code uses). */
@ApiSchema({ name: 'WrittenEvent' })
export class WrittenEventDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'consent-given' })
  type!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Position in the subject’s (or policy’s) own stream, from 0.' })
  streamPosition!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Position in the global log: pass it to a read as `?atLeast=` to read your write.' })
  globalPosition!: number;
}

@ApiSchema({ name: 'CommandAnswer', description: 'What a subject command answers (api.md).' })
export class CommandAnswerDto {
  @ApiProperty()
  subjectId!: string;

  @ApiPropertyOptional({ description: 'Only when a grievance was lodged: the id to resolve it by.' })
  grievanceId?: string;

  @ApiProperty({ type: () => [WrittenEventDto] })
  events!: WrittenEventDto[];
}

@ApiSchema({ name: 'PolicyCommandAnswer', description: 'What a policy command answers: the tenant and version, and the events written.' })
export class PolicyCommandAnswerDto {
  @ApiProperty()
  tenantId!: string;

  @ApiProperty()
  version!: string;

  @ApiProperty({ type: () => [WrittenEventDto] })
  events!: WrittenEventDto[];
}
