import { Module } from '@nestjs/common';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { StoresModule } from '../stores/stores.module.js';
import { SubjectExportController } from './subject-export.controller.js';

@Module({ imports: [StoresModule, PrivacyModule], controllers: [SubjectExportController] })
export class SubjectExportModule {}
