import type { Scope } from '../types.ts';
import type { SqlParam } from './executor.ts';

export interface ScopeSql {
  sql: string;
  params: SqlParam[];
}

/**
 * The WHERE fragment that keeps a query inside a tenant scope, given the column holding
 * the row's institution id. A region matches institutions by town or district.
 */
export function scopeSql(scope: Scope, institutionColumn: string): ScopeSql {
  switch (scope.kind) {
    case 'all':
      return { sql: 'TRUE', params: [] };
    case 'institution':
      return { sql: `${institutionColumn} = ?`, params: [scope.institutionId] };
    case 'region':
      return {
        sql: `${institutionColumn} IN (SELECT id FROM institutions WHERE town_id = ? OR district_id = ?)`,
        params: [scope.regionId, scope.regionId],
      };
  }
}
