import { fileURLToPath } from 'node:url';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { USER_PROFILE_TABLE_ENV } from '../../../functions/users/read-model/user-profile.js';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

const handlerEntry = (file: string) =>
  fileURLToPath(new URL(`../../../functions/users/handlers/${file}`, import.meta.url));

const USER_EVENTS = ['UserCreated', 'UserUpdated', 'UserDeleted'];

/**
 * The users bounded context: `Commands` (RegisterUser, UpdateUser, DeleteUser; email uniqueness by guard
 * items in the event store) and `Projector` keeping the UserProfile read model.
 */
export class UsersStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { service: 'users' }, props);

    const commands = this.addFunction('Commands', {
      entry: handlerEntry('commands.ts'),
      description: 'users: RegisterUser, UpdateUser, DeleteUser (email unique by guard items)',
    });
    this.store.grantAppend(commands);
    // Giving an address back after an email change or a deletion deletes its guard item (conditional on the
    // owner). Only guard partitions: an event is never deleted.
    commands.alias.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [this.store.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['email#*'] } },
      }),
    );

    const userProfile = this.addReadModel('UserProfile', {
      partitionKey: 'userId',
      environmentVariable: USER_PROFILE_TABLE_ENV,
    });
    const { fn: projector, queue } = this.addProjector('Projector', {
      entry: handlerEntry('projector.ts'),
      description: 'users: UserProfile read model from the user streams',
    });
    this.store.grantRead(projector);
    this.grantReadModel(userProfile, projector, 'write');
    this.project('UserProfileProjection', queue, {
      source: ['commerceforge.users'],
      detailType: USER_EVENTS,
    });
  }
}
