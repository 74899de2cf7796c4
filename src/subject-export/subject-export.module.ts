import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { SubjectExportController } from './subject-export.controller.js';

@Module({ imports: [StoresModule], controllers: [SubjectExportController] })
export class SubjectExportModule {}
