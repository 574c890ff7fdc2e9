import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    // No test may fall back to a real credential source or an instance metadata service.
    env: {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '/nonexistent/ssm-role-audit-test-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/ssm-role-audit-test-credentials',
    },
  },
});
