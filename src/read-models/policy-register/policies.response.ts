import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  ApiCount,
  ApiCountMap,
  ApiInstant,
  ApiNextCursor,
  ApiNullableFlag,
  ApiNullableInstant,
  ApiNullableText,
  ApiText,
} from '../../http/openapi/properties.js';

class PrimaryAdminNoticeDto {
  @ApiText({ enum: ['email', 'pop-up'] }) channel!: string;
  @ApiInstant() sentAt!: string;
  @ApiInstant() recordedAt!: string;
  @ApiText({ format: 'uuid' }) eventId!: string;
}

class PolicyNoticeSummaryDto {
  @ApiProperty({ type: () => [PrimaryAdminNoticeDto], description: 'Every notice to the tenant’s primary admin, in the order sent.' })
  primaryAdmin!: PrimaryAdminNoticeDto[];

  @ApiCountMap({ description: 'Notices to subjects, by channel.' })
  subjects!: Record<string, number>;
}

/** One published policy version (policies.controller.ts policyView). */
@ApiSchema({ name: 'Policy' })
export class PolicyDto {
  @ApiText() version!: string;
  @ApiNullableInstant() effectiveFrom!: string | null;
  @ApiNullableFlag() material!: boolean | null;
  @ApiNullableText({ description: 'https URL of the policy text.' }) url!: string | null;
  @ApiNullableText({ pattern: '^[0-9a-f]{64}$' }) textSha256!: string | null;
  @ApiNullableInstant() publishedAt!: string | null;
  @ApiNullableInstant() recordedAt!: string | null;
  @ApiNullableText() eventId!: string | null;
  @ApiProperty({ type: () => PolicyNoticeSummaryDto }) notices!: PolicyNoticeSummaryDto;
}

@ApiSchema({ name: 'PolicyReport', description: 'A page of the policy versions a tenant published, in publication order.' })
export class PolicyReportDto {
  @ApiText() tenantId!: string;
  @ApiProperty({ type: () => [PolicyDto] }) policies!: PolicyDto[];
  @ApiNextCursor() nextCursor!: string | null;
}

@ApiSchema({ name: 'PolicyNotice' })
export class PolicyNoticeDto {
  @ApiText({ format: 'uuid' }) eventId!: string;
  @ApiText({ enum: ['email', 'pop-up'] }) channel!: string;
  @ApiText({ enum: ['primary-admin', 'subject'] }) audience!: string;
  @ApiNullableText({ description: 'With audience `subject`.' }) subjectId!: string | null;
  @ApiInstant() sentAt!: string;
  @ApiInstant() recordedAt!: string;
  @ApiCount() globalPosition!: number;
}

@ApiSchema({ name: 'PolicyNotices', description: 'A page of the notices sent about one policy version, in the order sent.' })
export class PolicyNoticesDto {
  @ApiText() tenantId!: string;
  @ApiText() version!: string;
  @ApiProperty({ type: () => [PolicyNoticeDto] }) notices!: PolicyNoticeDto[];
  @ApiNextCursor() nextCursor!: string | null;
}
