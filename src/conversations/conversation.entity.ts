import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Agent } from '../agents/agent.entity.js';
import { User } from '../users/user.entity.js';

/** Who set a conversation's title: the user (never overwritten) or the system (auto-title). */
export enum TitleSource {
  User = 'user',
  System = 'system',
}

/**
 * A user's conversation with one agent. `lastActivityAt` is the feed's sort key: the last
 * message's time, else when the conversation was created, cleared or last handed out as
 * a fresh conversation; it is kept on every write so the feed is one index scan.
 */
@Entity('conversations')
// the statistics rollup reads recent conversations by time
@Index('ix_conversations_created_at', ['createdAt'])
@Index('ix_conversations_user_activity', ['userId', 'lastActivityAt', 'id'])
@Index('ix_conversations_user_agent_activity', ['userId', 'agentId', 'lastActivityAt', 'id'])
@Index('ix_conversations_agent', ['agentId'])
@Index('ix_conversations_empty_activity', ['lastActivityAt'], { where: `"message_count" = 0` })
// GIN trigram index on title for ILIKE search, created by hand in the migration
// (TypeORM cannot express operator classes); declared here so schema sync leaves it alone.
@Index('ix_conversations_title_trgm', { synchronize: false })
export class Conversation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title!: string | null;

  @Column({
    name: 'title_source',
    type: 'enum',
    enum: TitleSource,
    enumName: 'conversation_title_source',
    nullable: true,
  })
  titleSource!: TitleSource | null;

  @Column({ name: 'message_count', type: 'int', default: 0 })
  messageCount!: number;

  @Column({ name: 'last_message_at', type: 'timestamptz', precision: 3, nullable: true })
  lastMessageAt!: Date | null;

  /** Millisecond precision, so the keyset cursor (a JS Date) round-trips exactly. */
  @Column({
    name: 'last_activity_at',
    type: 'timestamptz',
    precision: 3,
    default: () => 'now()',
  })
  lastActivityAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  /** RESTRICT: an agent in use is disabled, not deleted (the agents feature checks first). */
  @ManyToOne(() => Agent, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agent_id' })
  agent?: Relation<Agent>;
}
