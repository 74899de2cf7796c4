import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, ValidateBy, ValidateIf } from 'class-validator';
import { SUBJECT_ID_PATTERN } from '../../domain/catalogue.js';
import { NOTICE_AUDIENCES, NOTICE_CHANNELS, type NoticeAudience, type NoticeChannel } from '../../domain/policy/policy.events.js';
import { IsDateTime } from '../../http/validators.js';

export class SendPolicyNoticeDto {
  @ApiProperty({ enum: NOTICE_CHANNELS, enumName: 'NoticeChannel' })
  @IsIn(NOTICE_CHANNELS, { message: `channel must be one of: ${NOTICE_CHANNELS.join(', ')}` })
  channel!: NoticeChannel;

  /**
   * `primary-admin` or `subject` (then `subjectId` says which). A kind and an id rather than
   * one field holding either: a subject may well be called "primary-admin".
   */
  @ApiProperty({ enum: NOTICE_AUDIENCES, enumName: 'NoticeAudience', description: '`subject`: then `subjectId` says which.' })
  @IsIn(NOTICE_AUDIENCES, { message: `audience must be one of: ${NOTICE_AUDIENCES.join(', ')}` })
  audience!: NoticeAudience;

  @ApiPropertyOptional({
    description: 'Required when `audience` is `subject`, and only then.',
    pattern: SUBJECT_ID_PATTERN.source,
    maxLength: 128,
  })
  @ValidateIf((notice: SendPolicyNoticeDto) => notice.audience === 'subject' || notice.subjectId !== undefined)
  @ValidateBy({
    name: 'onlyForSubjectAudience',
    validator: {
      validate: (_value: unknown, args) => (args?.object as SendPolicyNoticeDto).audience === 'subject',
      defaultMessage: () => 'subjectId is only given when audience is subject',
    },
  })
  @Matches(SUBJECT_ID_PATTERN, {
    message: 'subjectId must be an opaque id of 1-128 letters, digits, "_", ".", ":" or "-" (never an e-mail address)',
  })
  @IsString({ message: 'subjectId is required when audience is subject' })
  subjectId?: string;

  /** When the notice was sent; `occurredAt` is accepted as its synonym (every command has it). */
  @ApiPropertyOptional({ format: 'date-time', description: 'When the notice was sent (or give `occurredAt`, not both). Default: now.' })
  @IsOptional()
  @IsDateTime()
  @ValidateBy({
    name: 'notBothTimes',
    validator: {
      validate: (_value: unknown, args) => (args?.object as SendPolicyNoticeDto).occurredAt === undefined,
      defaultMessage: () => 'give sentAt or occurredAt, not both',
    },
  })
  sentAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'A synonym of `sentAt`.' })
  @IsOptional()
  @IsDateTime()
  occurredAt?: string;
}
