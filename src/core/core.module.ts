import { Global, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { ShutdownState } from './http/shutdown-state.js';
import { QueueProducer } from '../queue/queue-producer.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { loadKeyRing } from './crypto/key-ring.js';
import { SecretCipher } from './crypto/secret-cipher.js';
import { Contributions } from './contributions.js';
import { StatsCounters } from './stats/stats-counters.js';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    MetricsService,
    ShutdownState,
    Contributions,
    StatsCounters,
    {
      provide: SecretCipher,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => new SecretCipher(await loadKeyRing(config)),
    },
  ],
  exports: [MetricsService, ShutdownState, SecretCipher, Contributions, StatsCounters],
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
