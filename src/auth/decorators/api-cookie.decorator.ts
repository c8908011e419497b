import { DECORATORS } from '@nestjs/swagger';

/**
 * Documents an optional cookie a route reads (`in: cookie` in OpenAPI); @nestjs/swagger
 * has decorators for header, query and path parameters but none for cookies.
 */
export const ApiCookie =
  (options: { name: string; description: string }): MethodDecorator =>
  (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    const parameters = (Reflect.getMetadata(DECORATORS.API_PARAMETERS, method) ?? []) as object[];
    Reflect.defineMetadata(
      DECORATORS.API_PARAMETERS,
      [
        ...parameters,
        {
          in: 'cookie',
          name: options.name,
          required: false,
          description: options.description,
          schema: { type: 'string' },
        },
      ],
      method,
    );
    return descriptor;
  };
