/**
 * The AWS managed policies the emulator serves, at their real names and paths. The path is part of the
 * ARN (`arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM`), so an ARN without it names no policy,
 * as in AWS. Descriptions are shortened.
 * NOTE: the names and paths are not checked against AWS's published list of managed policies.
 */

export interface AwsManagedPolicySpec {
  name: string;
  path: string;
  description: string;
  /** False for policies that only service-linked roles may use, which AttachRolePolicy rejects. */
  attachable: boolean;
}

export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicySpec[] = [
  {
    name: 'AmazonSSMManagedInstanceCore',
    path: '/',
    description: 'The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.',
    attachable: true,
  },
  {
    name: 'AmazonSSMDirectoryServiceAccess',
    path: '/',
    description: 'This policy allows SSM Agent to access Directory Service on behalf of the customer for domain-join the managed instance.',
    attachable: true,
  },
  {
    name: 'CloudWatchAgentServerPolicy',
    path: '/',
    description: 'Permissions required to use AmazonCloudWatchAgent on servers',
    attachable: true,
  },
  {
    name: 'CloudWatchAgentAdminPolicy',
    path: '/',
    description: 'Full permissions required to use AmazonCloudWatchAgent.',
    attachable: true,
  },
  {
    name: 'AmazonEC2RoleforSSM',
    path: '/service-role/',
    description: 'This policy will soon be deprecated. Please use AmazonSSMManagedInstanceCore policy to enable AWS Systems Manager service core functionality on EC2 instances.',
    attachable: true,
  },
  {
    name: 'AmazonSSMFullAccess',
    path: '/',
    description: 'Provides full access to Amazon SSM.',
    attachable: true,
  },
  {
    name: 'AmazonSSMReadOnlyAccess',
    path: '/',
    description: 'Provides read only access to Amazon SSM.',
    attachable: true,
  },
  {
    name: 'AmazonSSMPatchAssociation',
    path: '/',
    description: 'Provide access to child instances for patch association operation.',
    attachable: true,
  },
  {
    name: 'AmazonSSMAutomationRole',
    path: '/service-role/',
    description: 'Provides permissions for EC2 Automation service to execute activities defined within Automation documents',
    attachable: true,
  },
  {
    name: 'AmazonSSMMaintenanceWindowRole',
    path: '/service-role/',
    description: 'Service Role to be used for EC2 Maintenance Window',
    attachable: true,
  },
  {
    name: 'AmazonSSMServiceRolePolicy',
    path: '/aws-service-role/',
    description: 'Policy used by the AWSServiceRoleForAmazonSSM service-linked role.',
    attachable: false,
  },
  {
    name: 'AdministratorAccess',
    path: '/',
    description: 'Provides full access to AWS services and resources.',
    attachable: true,
  },
  {
    name: 'ReadOnlyAccess',
    path: '/',
    description: 'Provides read-only access to AWS services and resources.',
    attachable: true,
  },
  {
    name: 'AmazonS3FullAccess',
    path: '/',
    description: 'Provides full access to all buckets via the AWS Management Console.',
    attachable: true,
  },
  {
    name: 'AmazonS3ReadOnlyAccess',
    path: '/',
    description: 'Provides read only access to all buckets via the AWS Management Console.',
    attachable: true,
  },
];

/** Builds the ARN of an AWS managed policy: `arn:<partition>:iam::aws:policy<path><name>`. */
export function awsManagedPolicyArn(partition: string, spec: Pick<AwsManagedPolicySpec, 'name' | 'path'>): string {
  return `arn:${partition}:iam::aws:policy${spec.path}${spec.name}`;
}
