import { Global, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { ShutdownState } from './http/shutdown-state.js';
import { QueueProducer } from '../queue/queue-producer.service.js';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, ShutdownState],
  exports: [MetricsService, ShutdownState],
})
export class CoreModule implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: MetricsService,
    private readonly producer: QueueProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.watchQueues(this.producer.all());
  }
}
