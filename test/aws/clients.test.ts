import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRegionsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';

import { mockAwsSdk, testAwsClients } from '../helpers/mock-aws-sdk.js';

const sdk = mockAwsSdk();
beforeEach(() => sdk.reset());
afterAll(() => sdk.restore());

/** The resolved config of the client an SDK mock call went through (sinon records `this`). */
interface ResolvedConfig {
  region: () => Promise<string>;
  maxAttempts: () => Promise<number>;
  retryStrategy: () => Promise<{ mode: string }>;
  isCustomEndpoint: boolean;
  endpoint?: () => Promise<{ protocol: string; hostname: string; port?: number }>;
  serviceConfiguredEndpoint?: () => Promise<string | undefined>;
  credentials: () => Promise<{ accessKeyId: string }>;
}
function configOf(mock: { call(n: number): { thisValue: unknown } }, n = 0): ResolvedConfig {
  return (mock.call(n).thisValue as { config: ResolvedConfig }).config;
}

describe('createAwsClients', () => {
  it("GIVEN no options beyond the home region WHEN a regional call is made THEN the client uses that region, the SDK's standard retry mode and 5 attempts", async () => {
    sdk.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    const clients = await testAwsClients();

    await clients.ec2('ap-south-1').listVpcs();

    const config = configOf(sdk.ec2);
    await expect(config.region()).resolves.toBe('ap-south-1');
    await expect(config.maxAttempts()).resolves.toBe(5);
    await expect(config.retryStrategy()).resolves.toMatchObject({ mode: 'standard' });
    expect(config.isCustomEndpoint).toBe(false);
    await expect(config.credentials()).resolves.toMatchObject({ accessKeyId: 'x' });
  });

  it('GIVEN maxAttempts WHEN a call is made THEN the client uses it', async () => {
    sdk.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    const clients = await testAwsClients({ maxAttempts: 9 });

    await clients.logs('eu-west-1').describeLogGroups(['/g']);

    await expect(configOf(sdk.logs).maxAttempts()).resolves.toBe(9);
  });

  it('GIVEN HTTP timeouts (--connect-timeout, --read-timeout) WHEN a client is built THEN its Node handler connects and reads with them; by default 60 s each, as the AWS CLI', async () => {
    sdk.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    const handlerConfig = async (n: number) =>
      (configOf(sdk.ec2, n) as unknown as { requestHandler: { configProvider: Promise<{ connectionTimeout?: number; socketTimeout?: number }> } })
        .requestHandler.configProvider;

    await (await testAwsClients({ httpTimeouts: { connectTimeoutMs: 7_000, readTimeoutMs: 9_000 } })).ec2('eu-west-1').listVpcs();
    await (await testAwsClients()).ec2('eu-west-1').listVpcs();

    await expect(handlerConfig(0)).resolves.toMatchObject({ connectionTimeout: 7_000, socketTimeout: 9_000 });
    await expect(handlerConfig(1)).resolves.toMatchObject({ connectionTimeout: 60_000, socketTimeout: 60_000 });
  });

  it('GIVEN the adaptive retry mode (AWS_RETRY_MODE=adaptive, resolved by connection.ts) WHEN a call is made THEN the client rate-limits itself', async () => {
    sdk.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    const clients = await testAwsClients({ retryMode: 'adaptive' });

    await clients.ec2('eu-west-1').listVpcs();

    await expect(configOf(sdk.ec2).retryStrategy()).resolves.toMatchObject({ mode: 'adaptive' });
  });

  it('GIVEN per-service endpoints from a --profile profile WHEN each service is called THEN each client sends to its own; --endpoint-url wins over them', async () => {
    sdk.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    sdk.sts.on(GetCallerIdentityCommand).resolves({ Account: '111', Arn: 'arn:aws:iam::111:user/me' });
    const clients = await testAwsClients({ serviceEndpoints: { ec2: 'http://localhost:4001', sts: 'http://localhost:4002' } });

    await clients.ec2('eu-west-1').listVpcs();
    await clients.callerIdentity();

    await expect(configOf(sdk.ec2).endpoint!()).resolves.toMatchObject({ hostname: 'localhost', port: 4001 });
    await expect(configOf(sdk.sts).endpoint!()).resolves.toMatchObject({ hostname: 'localhost', port: 4002 });

    sdk.reset();
    sdk.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    const overridden = await testAwsClients({ endpointUrl: 'http://localhost:4566', serviceEndpoints: { ec2: 'http://localhost:4001' } });
    await overridden.ec2('eu-west-1').listVpcs();
    await expect(configOf(sdk.ec2).endpoint!()).resolves.toMatchObject({ port: 4566 });
  });

  it('GIVEN an endpoint URL WHEN each service is called THEN every client sends to it', async () => {
    sdk.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    sdk.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    sdk.iam.on(GetRoleCommand).resolves({});
    sdk.sts.on(GetCallerIdentityCommand).resolves({ Account: '111', Arn: 'arn:aws:iam::111:user/me' });
    const clients = await testAwsClients({ endpointUrl: 'http://localhost:4566' });

    await clients.ec2('eu-west-1').listVpcs();
    await clients.logs('eu-west-1').describeLogGroups(['/g']);
    await clients.iam().getRole('r');
    await clients.callerIdentity();

    for (const mock of [sdk.ec2, sdk.logs, sdk.iam, sdk.sts]) {
      const config = configOf(mock);
      expect(config.isCustomEndpoint).toBe(true);
      await expect(config.endpoint!()).resolves.toMatchObject({ protocol: 'http:', hostname: 'localhost', port: 4566 });
    }
  });

  describe('GIVEN AWS_ENDPOINT_URL in the environment and no endpoint option', () => {
    const saved = process.env['AWS_ENDPOINT_URL'];
    beforeEach(() => {
      process.env['AWS_ENDPOINT_URL'] = 'http://localhost:4566';
    });
    afterEach(() => {
      if (saved === undefined) delete process.env['AWS_ENDPOINT_URL'];
      else process.env['AWS_ENDPOINT_URL'] = saved;
    });

    it('WHEN a call is made THEN flowfix leaves the endpoint to the SDK, which picks up the variable', async () => {
      sdk.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
      const clients = await testAwsClients();

      await clients.ec2('eu-west-1').listVpcs();

      const config = configOf(sdk.ec2);
      expect(config.isCustomEndpoint).toBe(false);
      await expect(config.serviceConfiguredEndpoint!()).resolves.toBe('http://localhost:4566');
    });
  });

  it('GIVEN the same region twice WHEN asking for its APIs THEN one client per service and region is reused', async () => {
    sdk.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    const clients = await testAwsClients();

    expect(clients.ec2('eu-west-1')).toBe(clients.ec2('eu-west-1'));
    expect(clients.ec2('eu-west-1')).not.toBe(clients.ec2('eu-west-2'));
    expect(clients.logs('eu-west-1')).toBe(clients.logs('eu-west-1'));
    expect(clients.iam()).toBe(clients.iam());

    await clients.ec2('eu-west-1').listVpcs();
    await clients.ec2('eu-west-1').listVpcs();
    await clients.ec2('eu-west-2').listVpcs();
    expect(sdk.ec2.call(0).thisValue).toBe(sdk.ec2.call(1).thisValue);
    expect(sdk.ec2.call(0).thisValue).not.toBe(sdk.ec2.call(2).thisValue);
  });

  it('GIVEN clients released THEN the next call goes through a new client, and the identity is not asked again', async () => {
    sdk.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    sdk.sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/me' });
    const clients = await testAwsClients();
    await clients.callerIdentity();
    const before = clients.ec2('eu-west-1');
    await before.listVpcs();

    clients.release!();

    expect(clients.ec2('eu-west-1')).not.toBe(before);
    await clients.ec2('eu-west-1').listVpcs();
    expect(sdk.ec2.call(1).thisValue).not.toBe(sdk.ec2.call(0).thisValue);
    await expect(clients.callerIdentity()).resolves.toEqual({ accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/me' });
    expect(sdk.sts.calls()).toHaveLength(1);
  });

  it('WHEN reading the identity, the regions and the role THEN the global calls go through the home region', async () => {
    sdk.sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/me' });
    sdk.ec2.on(DescribeRegionsCommand).resolves({ Regions: [] });
    sdk.iam.on(GetRoleCommand).resolves({});
    const clients = await testAwsClients({ homeRegion: 'eu-central-1' });

    await expect(clients.callerIdentity()).resolves.toEqual({ accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/me' });
    await clients.listEnabledRegions();
    await clients.iam().getRole('r');

    expect(clients.homeRegion).toBe('eu-central-1');
    await expect(configOf(sdk.sts).region()).resolves.toBe('eu-central-1');
    await expect(configOf(sdk.ec2).region()).resolves.toBe('eu-central-1');
    await expect(configOf(sdk.iam).region()).resolves.toBe('eu-central-1');
  });
});
