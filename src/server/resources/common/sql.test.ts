import { describe, expect, it } from 'vitest';
import { patchAssignments, SqlConditions } from './sql.ts';

describe('resource SQL helpers', () => {
  it('numbers condition parameters after those already collected', () => {
    const c = new SqlConditions();
    expect(c.sql).toBe('true');
    c.params.push('owner-1');
    c.where.push('(NOT private OR owner_id = $1)');
    c.add('seq < ?', 42);
    c.add('name ILIKE ?', '%a?b%');
    expect(c.sql).toBe('(NOT private OR owner_id = $1) AND seq < $2 AND name ILIKE $3');
    expect(c.params).toEqual(['owner-1', 42, '%a?b%']);
  });

  it('assigns the defined fields of a patch, encoded, after the given parameters', () => {
    const params: unknown[] = ['id-1'];
    const sets = patchAssignments(
      { name: 'x', zooms: [19, 20], note: undefined, private: false },
      params,
      (v) => (Array.isArray(v) ? JSON.stringify(v) : v),
    );
    expect(sets).toEqual(['name = $2', 'zooms = $3', 'private = $4']);
    expect(params).toEqual(['id-1', 'x', '[19,20]', false]);
  });
});
