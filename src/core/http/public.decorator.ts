import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'meridian:public';

/** The route needs no bearer token (health, sign-in, signed webhooks). */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC, true);
