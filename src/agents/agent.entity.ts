import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** Which LLM provider answers for an agent. */
export enum AgentProvider {
  /** Any OpenAI-compatible endpoint (LLM_BASE_URL). */
  OpenAi = 'openai',
  /** The clearly labelled local development agent (no LLM configured). */
  Local = 'local',
}

/** An agent users can chat with: a system prompt and generation parameters on a model. */
@Entity('agents')
@Index('uq_agents_slug', ['slug'], { unique: true })
export class Agent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** URL-friendly unique name (`a-z0-9-`, up to 63 characters). */
  @Column({ type: 'varchar', length: 63 })
  slug!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'enum', enum: AgentProvider, enumName: 'agent_provider' })
  provider!: AgentProvider;

  /** null = the deployment default (LLM_MODEL, or the local development model). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  model!: string | null;

  @Column({ name: 'system_prompt', type: 'text' })
  systemPrompt!: string;

  /** null = the provider's default. */
  @Column({ type: 'real', nullable: true })
  temperature!: number | null;

  /** Largest completion; null = the provider's default. */
  @Column({ name: 'max_tokens', type: 'int', nullable: true })
  maxTokens!: number | null;

  /** Usable only with the `premium` (or `admin`) role or an explicit grant. */
  @Column({ type: 'boolean', default: false })
  premium!: boolean;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
