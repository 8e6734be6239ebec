/**
 * The contract every `Store` backend passes (SQLite, PostgreSQL). Each test gets a fresh,
 * migrated, seeded store from `makeStore`; the suite closes it afterwards.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../hub/store/types.ts';
import { seed } from './store-fixtures.ts';
import { adminContract } from './store-contract-admin.ts';
import { attendanceContract } from './store-contract-attendance.ts';
import { guardianContract } from './store-contract-guardian.ts';
import { districtContract } from './store-contract-district.ts';
import { incidentContract } from './store-contract-incidents.ts';
import { orgContract } from './store-contract-org.ts';
import { peopleContract } from './store-contract-people.ts';
import { reviewContract } from './store-contract-review.ts';

export interface StoreUnderTest {
  store: Store;
  /** Runs one statement on the same database behind the store's back (to prove triggers). */
  rawSql(sql: string): Promise<void>;
  /** Releases whatever `rawSql` holds, after the store is closed. */
  dispose?(): Promise<void>;
}

export type GetStore = () => StoreUnderTest;

export function describeStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`store contract: ${name}`, () => {
    let current: StoreUnderTest | undefined;
    const get: GetStore = () => {
      if (!current) throw new Error('store not ready');
      return current;
    };
    beforeEach(async () => {
      current = await makeStore();
      await seed(current.store);
    });
    afterEach(async () => {
      await current?.store.close();
      await current?.dispose?.();
      current = undefined;
    });
    orgContract(get);
    incidentContract(get);
    reviewContract(get);
    peopleContract(get);
    adminContract(get);
    districtContract(get);
    attendanceContract(get);
    guardianContract(get);
  });
}
