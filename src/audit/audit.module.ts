import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { AuditEventsController } from './audit-events/audit-events.controller.js';

@Module({
  imports: [StoresModule],
  controllers: [AuditEventsController],
})
export class AuditModule {}
