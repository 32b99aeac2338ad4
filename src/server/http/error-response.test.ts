import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/index.ts';
import { errorFamilyOf, errorResponse, toAppError } from './error-response.ts';

describe('errorFamilyOf', () => {
  it('picks the family from the path, not the query', () => {
    expect(errorFamilyOf('/api/2.0/mlflow/runs/get?run_id=1')).toBe('mlflow');
    expect(errorFamilyOf('/api/2.0/mlflow-artifacts/artifacts/0/x')).toBe('mlflow');
    expect(errorFamilyOf('/stac')).toBe('stac');
    expect(errorFamilyOf('/stac/search?bbox=1')).toBe('stac');
    expect(errorFamilyOf('/stacks')).toBe('api');
    expect(errorFamilyOf('/api/executions?next=/stac')).toBe('api');
  });
});

describe('errorResponse', () => {
  const error = new AppError('RESOURCE_DOES_NOT_EXIST', 'run 7 does not exist', { id: '7' });

  it('renders each family in its own shape with the status of the code', () => {
    expect(errorResponse(error, 'api')).toEqual({
      status: 404,
      body: {
        error: { code: 'RESOURCE_DOES_NOT_EXIST', message: 'run 7 does not exist', details: { id: '7' } },
      },
    });
    expect(errorResponse(error, 'mlflow')).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'run 7 does not exist' },
    });
    expect(errorResponse(error, 'stac')).toEqual({
      status: 404,
      body: { code: 'RESOURCE_DOES_NOT_EXIST', description: 'run 7 does not exist' },
    });
  });
});

describe('toAppError', () => {
  it('maps the framework’s body errors and hides unexpected ones', () => {
    expect(toAppError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, 1024)).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: 'request body is over the limit of 1024 bytes',
    });
    expect(toAppError(new SyntaxError('Unexpected end'), 1).code).toBe('INVALID_PARAMETER_VALUE');
    const hidden = toAppError(new Error('password=hunter2 in a driver message'), 1);
    expect(hidden).toMatchObject({ code: 'INTERNAL_ERROR', message: 'internal server error' });
    const kept = new AppError('CONFLICT', 'busy');
    expect(toAppError(kept, 1)).toBe(kept);
  });
});
