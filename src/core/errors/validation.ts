import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppException } from './app.exception.js';
import { CoreErrorCode } from './error-codes.js';
import type { FieldError } from './problem.js';

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule,
      message: rule === 'whitelistValidation' ? `${field} is not an accepted property` : message,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** The global pipe: whitelist, reject unknown properties, transform, problem+json errors. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      const count = new Set(fields.map((f) => f.field)).size;
      return new AppException(
        400,
        CoreErrorCode.ValidationFailed,
        `The request has ${count} invalid field${count === 1 ? '' : 's'}.`,
        { title: 'Validation failed', errors: fields },
      );
    },
  });
}
