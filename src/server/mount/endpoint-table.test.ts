import { describe, expect, it } from 'vitest';
import { fastifyPath, operationIdOf, tableRoutes, writesNeedUser } from './endpoint-table.ts';

describe('endpoint tables', () => {
  it('turns {name} segments into Fastify parameters', () => {
    expect(fastifyPath('/stac/collections/{id}/items/{itemId}')).toBe('/stac/collections/:id/items/:itemId');
    expect(fastifyPath('/stac/collections/:id')).toBe('/stac/collections/:id');
  });

  it('needs a user for writes but not for searches sent as POST', () => {
    expect(writesNeedUser('POST', '/api/2.0/mlflow/runs/create')).toBe(true);
    expect(writesNeedUser('POST', '/api/2.0/mlflow/runs/search')).toBe(false);
    expect(writesNeedUser('GET', '/api/2.0/mlflow/runs/get')).toBe(false);
    expect(writesNeedUser('DELETE', '/api/2.0/mlflow/registered-models/delete')).toBe(true);
  });

  it('names operations uniquely from table, method and path', () => {
    expect(operationIdOf('mlflow-tracking', 'POST', '/api/2.0/mlflow/runs/log-batch')).toBe(
      'mlflowTrackingPost20MlflowRunsLogBatch',
    );
    expect(operationIdOf('stac', 'GET', '/stac/collections/{id}')).not.toBe(
      operationIdOf('stac', 'GET', '/stac/collections'),
    );
  });

  it('documents each endpoint under the table name with its auth rule', () => {
    const routes = tableRoutes({
      name: 'things',
      endpoints: [
        { method: 'get', path: '/things/{id}', handle: async () => ({}) },
        { method: 'POST', path: '/things/create', handle: async () => ({}) },
      ],
    });
    expect(routes.map((r) => [r.method, r.url, r.auth, r.tags])).toEqual([
      ['GET', '/things/:id', 'optional', ['things']],
      ['POST', '/things/create', 'required', ['things']],
    ]);
  });

  it('refuses a method it cannot mount', () => {
    expect(() =>
      tableRoutes({ name: 't', endpoints: [{ method: 'TRACE', path: '/x', handle: async () => ({}) }] }),
    ).toThrow(/TRACE/);
  });
});
