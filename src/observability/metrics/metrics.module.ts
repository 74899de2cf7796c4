import { Module } from '@nestjs/common';
import { LedgerMetrics } from './ledger-metrics.js';

/** This app's metrics registry: imported by the modules that count into it (the write path, the gauges). */
@Module({
  providers: [LedgerMetrics],
  exports: [LedgerMetrics],
})
export class MetricsModule {}
