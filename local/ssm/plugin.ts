/**
 * Joins SSM Parameter Store to the local cloud: the templates' `AWS::SSM::Parameter` resources are seeded as
 * CloudFormation would create them (name, resolved value, type), and `AmazonSSM.*` is served on the endpoint,
 * so handlers (Powertools Parameters, the SDK) and the CLI read and change them at run time.
 */
import type { LocalCloud } from '../core/local-cloud.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import { type ParameterType, SsmService } from './service.js';

export const SSM_TYPES = ['AWS::SSM::Parameter'];

export interface SsmPlugin extends LocalCloudPlugin {
  readonly service: SsmService | undefined;
}

export function ssmPlugin(): SsmPlugin {
  let service: SsmService | undefined;
  return {
    name: 'ssm',
    resourceTypes: SSM_TYPES,
    get service() {
      return service;
    },
    start(cloud: LocalCloud) {
      const running = new SsmService({ region: cloud.region, accountId: cloud.accountId });
      for (const resource of cloud.model.resources('AWS::SSM::Parameter')) {
        const properties = cloud.model.properties(resource);
        const type: ParameterType = properties.Type === 'StringList' ? 'StringList' : 'String';
        const value = properties.Value;
        running.seed({
          name: cloud.model.identity(resource).name,
          // CloudFormation takes a list for a StringList as a comma-separated string; so does SSM.
          value: Array.isArray(value) ? value.join(',') : String(value),
          type,
          ...(typeof properties.Description === 'string' ? { description: properties.Description } : {}),
          ...(typeof properties.AllowedPattern === 'string'
            ? { allowedPattern: properties.AllowedPattern }
            : {}),
        });
      }
      service = running;
      cloud.registerService(running);
      cloud.logger.info(`  ssm: ${running.size} parameter(s) from the templates`);
    },
    health() {
      return { parameters: service?.size ?? 0 };
    },
  };
}
