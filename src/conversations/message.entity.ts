import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Conversation } from './conversation.entity.js';

export enum MessageRole {
  User = 'user',
  Assistant = 'assistant',
  System = 'system',
}

export enum MessageStatus {
  Complete = 'complete',
  /** An assistant reply still being generated. */
  Streaming = 'streaming',
  /** Generation stopped by the user or a disconnect; the content is what arrived. */
  Aborted = 'aborted',
  /** Generation failed; `errorCode` says why. */
  Error = 'error',
}

/**
 * One message of a conversation. At most one message per conversation is `streaming`
 * (one generation at a time), which the database enforces.
 */
@Entity('messages')
// the statistics rollup reads recent messages by time
@Index('ix_messages_created_at', ['createdAt'])
@Index('ix_messages_conversation_created', ['conversationId', 'createdAt', 'id'])
@Index('ux_messages_streaming_conversation', ['conversationId'], {
  unique: true,
  where: `"status" = 'streaming'`,
})
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @Column({ type: 'enum', enum: MessageRole, enumName: 'message_role' })
  role!: MessageRole;

  @Column({ type: 'text' })
  content!: string;

  @Column({
    type: 'enum',
    enum: MessageStatus,
    enumName: 'message_status',
    default: MessageStatus.Complete,
  })
  status!: MessageStatus;

  @Column({ type: 'varchar', length: 200, nullable: true })
  model!: string | null;

  @Column({ name: 'prompt_tokens', type: 'int', nullable: true })
  promptTokens!: number | null;

  @Column({ name: 'completion_tokens', type: 'int', nullable: true })
  completionTokens!: number | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;

  /**
   * Strictly increasing within a conversation (appendMessage and the start of a chat
   * exchange see to it) and millisecond precision, so (created_at, id) orders messages as
   * written and the cursor round-trips.
   */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id' })
  conversation?: Relation<Conversation>;
}
