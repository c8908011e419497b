import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ProblemDetails } from './problem.js';

/** Documents problem responses of a route: `{ 409: 'EMAIL_TAKEN: ...' }`. */
export const ApiProblems = (problems: Record<number, string>): MethodDecorator =>
  applyDecorators(
    ...Object.entries(problems).map(([status, description]) =>
      ApiResponse({ status: Number(status), description, type: ProblemDetails }),
    ),
  );
