import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { MessageDto } from '../../dto/message.dto.js';

export class ChatRequestDto {
  @ApiProperty({ example: 'How do I rotate my API keys?', minLength: 1, maxLength: 32000 })
  @IsString()
  @MinLength(1)
  @MaxLength(32000)
  content!: string;
}

export class ChatResultDto {
  @ApiProperty({ type: () => MessageDto, description: 'The saved user message.' })
  userMessage!: MessageDto;

  @ApiProperty({
    type: () => MessageDto,
    description: 'The saved assistant message (status complete, aborted or error).',
  })
  message!: MessageDto;

  @ApiProperty({ nullable: true, type: String, example: 'stop' })
  finishReason!: string | null;
}
