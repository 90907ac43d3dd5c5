import { describe, expect, it, vi } from 'vitest';
import { mayWrite, TableWrites, tableNameOf, writtenTables } from '../../../local/dynamodb/table-writes.js';

describe('writtenTables', () => {
  it('names the table of a single-item write, from its name or ARN', () => {
    expect(writtenTables('PutItem', { TableName: 'Orders', Item: {} })).toEqual(['Orders']);
    expect(writtenTables('UpdateItem', { TableName: 'Orders' })).toEqual(['Orders']);
    expect(
      writtenTables('DeleteItem', { TableName: 'arn:aws:dynamodb:ddblocal:000000000000:table/Orders' }),
    ).toEqual(['Orders']);
  });

  it('names every table of a batch or a transaction once, condition checks left out', () => {
    expect(writtenTables('BatchWriteItem', { RequestItems: { Orders: [], Users: [] } })).toEqual([
      'Orders',
      'Users',
    ]);
    expect(
      writtenTables('TransactWriteItems', {
        TransactItems: [
          { Put: { TableName: 'Events' } },
          { Put: { TableName: 'Events' } },
          { Update: { TableName: 'Summary' } },
          { ConditionCheck: { TableName: 'Guards' } },
          { Delete: { TableName: 'Old' } },
        ],
      }),
    ).toEqual(['Events', 'Summary', 'Old']);
  });

  it('reads the table of PartiQL writes, quoted or not, and none of a SELECT', () => {
    expect(
      writtenTables('ExecuteStatement', { Statement: `INSERT INTO "Orders" VALUE {'pk': 'a'}` }),
    ).toEqual(['Orders']);
    expect(writtenTables('ExecuteStatement', { Statement: `update Users SET a = 1 WHERE pk = 'x'` })).toEqual(
      ['Users'],
    );
    expect(writtenTables('ExecuteStatement', { Statement: `SELECT * FROM "Orders"` })).toEqual([]);
    expect(
      writtenTables('BatchExecuteStatement', {
        Statements: [{ Statement: `DELETE FROM "A" WHERE pk = 'x'` }, { Statement: `SELECT * FROM B` }],
      }),
    ).toEqual(['A']);
    expect(
      writtenTables('ExecuteTransaction', {
        TransactStatements: [{ Statement: `INSERT INTO "B" VALUE {}` }],
      }),
    ).toEqual(['B']);
  });

  it('names nothing for reads and for bodies it cannot read', () => {
    expect(writtenTables('GetItem', { TableName: 'Orders' })).toEqual([]);
    expect(writtenTables('Query', { TableName: 'Orders' })).toEqual([]);
    expect(writtenTables('PutItem', undefined)).toEqual([]);
    expect(writtenTables('TransactWriteItems', { TransactItems: 'nonsense' })).toEqual([]);
    expect(mayWrite('Scan')).toBe(false);
    expect(mayWrite('BatchWriteItem')).toBe(true);
  });
});

describe('tableNameOf', () => {
  it('takes the name out of a table or stream ARN and leaves a name alone', () => {
    expect(tableNameOf('Orders')).toBe('Orders');
    expect(tableNameOf('arn:aws:dynamodb:us-east-1:000000000000:table/Orders')).toBe('Orders');
    expect(
      tableNameOf('arn:aws:dynamodb:us-east-1:000000000000:table/Orders/stream/2026-01-01T00:00:00.000'),
    ).toBe('Orders');
  });
});

describe('TableWrites', () => {
  it('tells every listener the table names until it unsubscribes', () => {
    const writes = new TableWrites();
    const first = vi.fn();
    const second = vi.fn();
    const stop = writes.subscribe(first);
    writes.subscribe(second);
    writes.emit(['arn:aws:dynamodb:us-east-1:000000000000:table/Orders', 'Users']);
    stop();
    writes.emit(['Users']);
    writes.emit([]);
    expect(first.mock.calls).toEqual([[['Orders', 'Users']]]);
    expect(second.mock.calls).toEqual([[['Orders', 'Users']], [['Users']]]);
  });

  it('does not let a failing listener fail the write or the other listeners', () => {
    const writes = new TableWrites();
    const after = vi.fn();
    writes.subscribe(() => {
      throw new Error('boom');
    });
    writes.subscribe(after);
    expect(() => writes.emit(['Orders'])).not.toThrow();
    expect(after).toHaveBeenCalledWith(['Orders']);
  });
});
