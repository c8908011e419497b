import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { LocalDevProvider } from './local-dev.provider.js';
import type { LlmProvider } from './llm-provider.js';
import { OpenAiCompatibleProvider } from './openai-compatible.provider.js';

/** Picks the provider for an agent: OpenAI-compatible when configured, else the local agent. */
@Injectable()
export class LlmProviders implements OnApplicationBootstrap {
  private readonly logger = new Logger('LLM');
  private readonly openai?: OpenAiCompatibleProvider;
  private readonly local = new LocalDevProvider();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const llm = config.chat.llm;
    if (llm)
      this.openai = new OpenAiCompatibleProvider(llm.baseUrl, llm.apiKey, config.chat.timeoutMs);
  }

  onApplicationBootstrap(): void {
    const llm = this.config.chat.llm;
    this.logger.log(
      llm
        ? `LLM: OpenAI-compatible endpoint ${llm.baseUrl} (default model ${llm.model})`
        : 'LLM: local development agent (LLM_BASE_URL unset)',
    );
  }

  for(provider: 'openai' | 'local'): LlmProvider {
    if (provider === 'openai' && this.openai) return this.openai;
    return this.local;
  }
}
