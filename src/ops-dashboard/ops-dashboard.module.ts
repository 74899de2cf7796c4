import { Module } from '@nestjs/common';
import { OpsDashboardController } from './ops-dashboard.controller.js';

/** The browser dashboard for ops; it only reads the public JSON API, so it needs no provider. */
@Module({ controllers: [OpsDashboardController] })
export class OpsDashboardModule {}
